/* HTML text escaping and record values as HTML text, shared by the html
 * report's files and the flame graphs: a file of its own so the flame graph
 * (host/profile) and the page that inlines one do not call each other. */
#include <stdlib.h>
#include <string.h>
#include "host/report/fields.h"
#include "host/report/html_text.h"

void html_text(FILE *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			if (c >= 0x20 && c <= 0x7e)
				fputc(c, out);
			else
				fprintf(out, "\\x%02x", c);
		}
	}
}

void html_value(FILE *out, const char *val, size_t len)
{
	struct memtext t;

	report_value(memtext_open(&t), val, len);
	fclose(t.f);
	html_text(out, t.buf, t.len);
	free(t.buf);
}

void html_fields(FILE *out, const struct record *rec, const char *const *skip)
{
	const char *sep = "";

	for (size_t i = 0; i < rec->nfields; i++) {
		const struct field *f = &rec->fields[i];
		if (report_listed(field_key(f), skip))
			continue;
		fputs(sep, out);
		html_text(out, field_key(f), strlen(field_key(f)));
		fputc('=', out);
		html_value(out, field_val(f), f->len);
		sep = " ";
	}
}
