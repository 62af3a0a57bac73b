/* Flame graphs (flamegraph.h): the call tree of a profile laid out as
 * flamegraph.pl lays it out, a frame as wide as its samples, children in
 * order of their names, from the left, on top of their parent.
 * Sample counts are kept in each frame's data attributes, so zooming and
 * search work in whole samples, not in rounded pixels. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "host/profile/flamegraph.h"
#include "host/report/html_text.h"

#define FRAME_H 16	/* px a level; the rectangle is 1 px less */
#define FONT_PX 12
#define CHAR_W (FONT_PX * 0.59)	/* Verdana's average advance, as flamegraph.pl */
#define XPAD 10
#define YPAD_TOP 64	/* title, subtitle, the buttons */
#define YPAD_BOTTOM 34	/* the details line */

static const char script[] =
	"var svg, frames = [], details, unzoombtn, searchbtn, matchedtxt, total, W, xpad;\n"
	"var searching = null, fontw = 12 * 0.59;\n"
	"function init(evt) {\n"
	"	svg = document.documentElement;\n"
	"	total = +svg.getAttribute(\"data-samples\");\n"
	"	W = +svg.getAttribute(\"width\");\n"
	"	xpad = +svg.getAttribute(\"data-xpad\");\n"
	"	details = document.getElementById(\"details\");\n"
	"	unzoombtn = document.getElementById(\"unzoom\");\n"
	"	searchbtn = document.getElementById(\"search\");\n"
	"	matchedtxt = document.getElementById(\"matched\");\n"
	"	var gs = document.getElementById(\"frames\").getElementsByTagName(\"g\");\n"
	"	for (var i = 0; i < gs.length; i++) {\n"
	"		var g = gs[i], r = g.getElementsByTagName(\"rect\")[0];\n"
	"		var f = { g: g, r: r, t: g.getElementsByTagName(\"text\")[0],\n"
	"			name: g.getAttribute(\"data-name\"), n: +g.getAttribute(\"data-samples\"),\n"
	"			sx: +g.getAttribute(\"data-x\"), d: +g.getAttribute(\"data-depth\"),\n"
	"			title: g.getElementsByTagName(\"title\")[0].textContent,\n"
	"			fill: r.getAttribute(\"fill\") };\n"
	"		frames.push(f);\n"
	"		g.addEventListener(\"click\", zoomer(f));\n"
	"		g.addEventListener(\"mouseover\", hover(f));\n"
	"		g.addEventListener(\"mouseout\", function () { details.textContent = \" \"; });\n"
	"	}\n"
	"	unzoombtn.addEventListener(\"click\", unzoom);\n"
	"	searchbtn.addEventListener(\"click\", function () {\n"
	"		if (searching !== null) reset_search(); else search_prompt();\n"
	"	});\n"
	"	window.addEventListener(\"keydown\", function (e) {\n"
	"		if (e.keyCode === 114 || ((e.ctrlKey || e.metaKey) && e.keyCode === 70)) {\n"
	"			e.preventDefault();\n"
	"			search_prompt();\n"
	"		} else if (e.keyCode === 27) {\n"
	"			unzoom();\n"
	"			reset_search();\n"
	"		}\n"
	"	});\n"
	"}\n"
	"function hover(f) { return function () { details.textContent = f.title; }; }\n"
	"function zoomer(f) { return function () { zoom(f); }; }\n"
	"function place(f, x, w) {\n"
	"	var n = Math.floor((w - 6) / fontw);\n"
	"	f.r.setAttribute(\"x\", x.toFixed(2));\n"
	"	f.r.setAttribute(\"width\", w.toFixed(2));\n"
	"	f.t.setAttribute(\"x\", (x + 3).toFixed(2));\n"
	"	f.t.textContent = n < 3 ? \"\" :\n"
	"		f.name.length <= n ? f.name : f.name.substring(0, n - 2) + \"..\";\n"
	"}\n"
	"function zoom(z) {\n"
	"	var scale = (W - 2 * xpad) / z.n;\n"
	"	for (var i = 0; i < frames.length; i++) {\n"
	"		var f = frames[i], cls = \"f\";\n"
	"		if (f.d < z.d && f.sx <= z.sx && f.sx + f.n >= z.sx + z.n) {\n"
	"			place(f, xpad, W - 2 * xpad);\n"
	"			cls = \"f parent\";\n"
	"		} else if (f.d >= z.d && f.sx >= z.sx && f.sx + f.n <= z.sx + z.n) {\n"
	"			place(f, xpad + (f.sx - z.sx) * scale, f.n * scale);\n"
	"		} else {\n"
	"			cls = \"f hide\";\n"
	"		}\n"
	"		f.g.setAttribute(\"class\", cls);\n"
	"	}\n"
	"	unzoombtn.setAttribute(\"class\", \"button\");\n"
	"}\n"
	"function unzoom() {\n"
	"	var scale = (W - 2 * xpad) / total;\n"
	"	for (var i = 0; i < frames.length; i++) {\n"
	"		place(frames[i], xpad + frames[i].sx * scale, frames[i].n * scale);\n"
	"		frames[i].g.setAttribute(\"class\", \"f\");\n"
	"	}\n"
	"	unzoombtn.setAttribute(\"class\", \"button hide\");\n"
	"}\n"
	"function search_prompt() {\n"
	"	var term = prompt(\"Search for functions (a regular expression)\", searching || \"\");\n"
	"	if (term) search(term);\n"
	"}\n"
	"function search(term) {\n"
	"	var re, spans = [], hit = 0, end = 0;\n"
	"	try { re = new RegExp(term); } catch (e) { matchedtxt.textContent = \"bad regex\"; return; }\n"
	"	for (var i = 0; i < frames.length; i++) {\n"
	"		var f = frames[i], m = re.test(f.name);\n"
	"		f.r.setAttribute(\"fill\", m ? \"rgb(230,0,230)\" : f.fill);\n"
	"		if (m) spans.push([f.sx, f.sx + f.n]);\n"
	"	}\n"
	"	// A frame inside a matched one is not counted again.\n"
	"	spans.sort(function (a, b) { return a[0] - b[0]; });\n"
	"	for (var j = 0; j < spans.length; j++) {\n"
	"		var lo = Math.max(spans[j][0], end);\n"
	"		if (spans[j][1] > lo) { hit += spans[j][1] - lo; end = spans[j][1]; }\n"
	"	}\n"
	"	searching = term;\n"
	"	searchbtn.textContent = \"Reset Search\";\n"
	"	matchedtxt.textContent = \"Matched: \" + (100 * hit / total).toFixed(2) + \"% (\" +\n"
	"		hit + \" of \" + total + \" samples)\";\n"
	"}\n"
	"function reset_search() {\n"
	"	for (var i = 0; i < frames.length; i++)\n"
	"		frames[i].r.setAttribute(\"fill\", frames[i].fill);\n"
	"	searching = null;\n"
	"	searchbtn.textContent = \"Search\";\n"
	"	matchedtxt.textContent = \" \";\n"
	"}\n";

struct layout {
	FILE *out;
	uint64_t total;
	unsigned width, height;
	double scale;		/* px per sample */
	bool inverted;
};

/* The name as it is shown: a byte outside printable ASCII as \xHH, so the
 * SVG is ASCII and the script cuts what it shows. */
static char *visible(const char *name)
{
	struct memtext t;
	FILE *f = memtext_open(&t);

	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		if (*c >= 0x20 && *c <= 0x7e)
			fputc(*c, f);
		else
			fprintf(f, "\\x%02x", *c);
	fclose(f);
	return t.buf;
}

static void xml(FILE *out, const char *s)
{
	html_text(out, s, strlen(s));
}

/* FNV-1a: the same name gets the same colour in every graph. */
static uint32_t name_hash(const char *s, uint32_t seed)
{
	uint32_t h = 2166136261u ^ seed;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* flamegraph.pl's "hot" palette: red to yellow. */
static void colour(char *buf, size_t len, const char *name)
{
	double v1 = (name_hash(name, 1) & 0xffff) / 65535.0;
	double v2 = (name_hash(name, 2) & 0xffff) / 65535.0;
	double v3 = (name_hash(name, 3) & 0xffff) / 65535.0;

	snprintf(buf, len, "rgb(%d,%d,%d)", 205 + (int)(50 * v3), (int)(230 * v1),
		 (int)(55 * v2));
}

static void frame(struct layout *l, const struct pnode *n, unsigned depth, uint64_t sx)
{
	char *name = visible(n->name), fill[32];
	double x = XPAD + sx * l->scale, w = n->count * l->scale;
	double y = l->inverted ? YPAD_TOP + depth * FRAME_H :
				 l->height - YPAD_BOTTOM - (depth + 1.0) * FRAME_H;
	long fit = (long)((w - 6) / CHAR_W);
	size_t len = strlen(name);

	colour(fill, sizeof(fill), n->name);
	fputs("<g class=\"f\" data-name=\"", l->out);
	xml(l->out, name);
	fprintf(l->out, "\" data-samples=\"%" PRIu64 "\" data-depth=\"%u\" data-x=\"%" PRIu64
		"\"><title>", n->count, depth, sx);
	xml(l->out, name);
	fprintf(l->out, " (%" PRIu64 " sample%s, %.2f%%)</title><rect x=\"%.2f\" y=\"%.1f\" "
		"width=\"%.2f\" height=\"%d\" fill=\"%s\" rx=\"2\" ry=\"2\"/><text x=\"%.2f\" "
		"y=\"%.1f\">", n->count, n->count == 1 ? "" : "s",
		100.0 * (double)n->count / (double)l->total, x, y, w, FRAME_H - 1, fill, x + 3,
		y + 10.5);
	if (fit >= 3 && (size_t)fit < len) {
		name[fit - 2] = '\0';
		xml(l->out, name);
		fputs("..", l->out);
	} else if (fit >= 3) {
		xml(l->out, name);
	}
	fputs("</text></g>\n", l->out);
	free(name);
	for (size_t i = 0; i < n->nkids; i++) {
		frame(l, &n->kids[i], depth + 1, sx);
		sx += n->kids[i].count;
	}
}

static int by_name(const void *x, const void *y)
{
	return strcmp(((const struct pnode *)x)->name, ((const struct pnode *)y)->name);
}

/* flamegraph.pl's order: siblings by name, so the same stacks draw alike
 * whichever way they were folded. */
static void sort_kids(struct pnode *n)
{
	if (n->nkids)
		qsort(n->kids, n->nkids, sizeof(*n->kids), by_name);
	for (size_t i = 0; i < n->nkids; i++)
		sort_kids(&n->kids[i]);
}

static unsigned tree_depth(const struct pnode *n)
{
	unsigned d = 0;

	for (size_t i = 0; i < n->nkids; i++) {
		unsigned k = tree_depth(&n->kids[i]) + 1;
		d = k > d ? k : d;
	}
	return d;
}

static void text_line(FILE *out, const char *id, const char *cls, double x, double y,
		      const char *anchor, const char *s)
{
	fprintf(out, "<text id=\"%s\"%s%s%s x=\"%.1f\" y=\"%.1f\"%s%s%s>", id,
		cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "", x, y,
		anchor ? " text-anchor=\"" : "", anchor ? anchor : "", anchor ? "\"" : "");
	if (s) {
		char *v = visible(s);
		xml(out, v);
		free(v);
	}
	fputs("</text>\n", out);
}

void flame_svg(FILE *out, const struct profile *p, const struct flame_opts *o)
{
	struct pnode *root = profile_tree(p, o->reverse);
	struct layout l = { .out = out, .total = p->total, .inverted = o->inverted,
			    .width = o->width ? o->width : FLAME_WIDTH };
	const char *title = o->title ? o->title : o->inverted ? "Icicle Graph" : "Flame Graph";

	sort_kids(root);
	l.height = YPAD_TOP + YPAD_BOTTOM + (tree_depth(root) + 1) * FRAME_H;
	l.scale = p->total ? (l.width - 2.0 * XPAD) / (double)p->total : 0;
	fprintf(out, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" "
		"xmlns=\"http://www.w3.org/2000/svg\" onload=\"init(evt)\" "
		"data-samples=\"%" PRIu64 "\" data-xpad=\"%d\">\n", l.width, l.height, l.width,
		l.height, p->total, XPAD);
	fputs("<!-- drawn by pmulab flamegraph; click a frame to zoom, Ctrl-F or Search to "
	      "search, Esc to reset -->\n"
	      "<style type=\"text/css\">\n"
	      "text { font-family: Verdana, sans-serif; font-size: 12px; fill: #000; }\n"
	      "#title { font-size: 17px; }\n"
	      ".f:hover rect { stroke: #000; stroke-width: 0.5; }\n"
	      ".f, .button { cursor: pointer; }\n"
	      ".parent { opacity: 0.5; }\n"
	      ".hide { display: none; }\n"
	      "</style>\n<script type=\"text/ecmascript\"><![CDATA[\n", out);
	fputs(script, out);
	fputs("]]></script>\n", out);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%u\" fill=\"#f8f8f8\"/>\n",
		l.width, l.height);
	text_line(out, "title", NULL, l.width / 2.0, 24, "middle", title);
	text_line(out, "subtitle", NULL, l.width / 2.0, 42, "middle", o->subtitle);
	text_line(out, "unzoom", "button hide", XPAD, 24, NULL, "Reset Zoom");
	text_line(out, "search", "button", l.width - XPAD, 24, "end", "Search");
	text_line(out, "details", NULL, XPAD, l.height - 12, NULL, " ");
	text_line(out, "matched", NULL, l.width - XPAD, l.height - 12, "end", " ");
	fputs("<g id=\"frames\">\n", out);
	if (p->total)
		frame(&l, root, 0, 0);
	fputs("</g>\n</svg>\n", out);
	profile_tree_free(root);
}
