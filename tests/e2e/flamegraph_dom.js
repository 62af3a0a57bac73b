// Runs the script pmulab flamegraph embeds against a minimal DOM built from
// the SVG, so zoom and search are exercised without a browser:
//   node flamegraph_dom.js FILE.svg NAME REGEX
// clicks the first frame called NAME, prints every frame as JSON, unzooms,
// searches REGEX and prints what the graph says it matched.
const fs = require("fs");
const [file, zoomName, regex] = process.argv.slice(2);
const text = fs.readFileSync(file, "utf8");
const script = text.split("<![CDATA[")[1].split("]]>")[0];

function unescape(s) {
	return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"")
		.replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}
function attrs(s) {
	const o = {};
	s.replace(/([\w:-]+)="([^"]*)"/g, (m, k, v) => { o[k] = unescape(v); });
	return o;
}
function el(tag, a, content) {
	return {
		tag, attrs: a, textContent: content || "", kids: [], on: {},
		getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; },
		setAttribute(k, v) { this.attrs[k] = String(v); },
		addEventListener(t, f) { this.on[t] = f; },
		getElementsByTagName(t) { return this.kids.filter((k) => k.tag === t); },
	};
}

const byId = { frames: el("g", {}) };
text.replace(/<text id="(\w+)"([^>]*)>([^<]*)<\/text>/g, (m, id, a, t) => {
	byId[id] = el("text", attrs(a), unescape(t));
});
const frame = /<g class="f" ([^>]*)><title>([^<]*)<\/title><rect ([^>]*)\/><text ([^>]*)>([^<]*)<\/text><\/g>/g;
for (let m; (m = frame.exec(text));) {
	const g = el("g", Object.assign(attrs(m[1]), { class: "f" }));
	g.kids.push(el("title", {}, unescape(m[2])), el("rect", attrs(m[3])),
		el("text", attrs(m[4]), unescape(m[5])));
	byId.frames.kids.push(g);
}
global.document = {
	documentElement: el("svg", attrs(text.match(/<svg ([^>]*)>/)[1])),
	getElementById: (id) => byId[id],
};
global.window = { addEventListener() {} };
global.prompt = () => regex;

eval(script + "\n;global.flame = { init, unzoom, frames: () => frames };");
flame.init({});
const shown = () => flame.frames().map((f) => ({
	name: f.name, cls: f.g.attrs.class, x: +f.r.attrs.x, width: +f.r.attrs.width,
	text: f.t.textContent,
}));
byId.frames.kids.find((g) => g.attrs["data-name"] === zoomName).on.click();
const zoomed = shown();
flame.unzoom();
const unzoomed = shown();
byId.search.on.click();
console.log(JSON.stringify({ zoomed, unzoomed, matched: byId.matched.textContent,
	button: byId.search.textContent }));
