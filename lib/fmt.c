/* Formatted output into a bounded buffer, always NUL-terminated; returns the
 * number of characters stored (not the C99 "would have written" count). */
#include "lib/fmt.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len++] = c;
}

static void put_padded(struct out *o, const char *s, size_t n, int width,
		       bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	/* Zero padding goes after the sign, as printf does. */
	if (!left && pad == '0' && n > 0 && *s == '-') {
		put(o, *s++);
		n--;
	}
	if (!left)
		while (fill-- > 0)
			put(o, pad);
	while (n--)
		put(o, *s++);
	if (left)
		while (fill-- > 0)
			put(o, ' ');
}

static size_t utoa(char *end, u64 v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = digits[v % base];
		v /= base;
	} while (v);
	return (size_t)(end - p);
}

size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	char num[24];

	for (; *fmt; fmt++) {
		bool left = false;
		char pad = ' ';
		int width = 0, lng = 0;
		u64 v;
		size_t n;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;

		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 s = lng ? va_arg(ap, s64) : va_arg(ap, int);
			n = utoa(num + sizeof(num), s < 0 ? -(u64)s : (u64)s, 10, false);
			if (s < 0)
				num[sizeof(num) - ++n] = '-';
			put_padded(&o, num + sizeof(num) - n, n, width, left, pad);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
			v = lng ? va_arg(ap, u64) : va_arg(ap, unsigned int);
			n = utoa(num + sizeof(num), v, *fmt == 'u' ? 10 : 16, *fmt == 'X');
			put_padded(&o, num + sizeof(num) - n, n, width, left, pad);
			break;
		case 'p':
			v = (u64)(uintptr_t)va_arg(ap, void *);
			n = utoa(num + sizeof(num), v, 16, false);
			num[sizeof(num) - ++n] = 'x';
			num[sizeof(num) - ++n] = '0';
			put_padded(&o, num + sizeof(num) - n, n, width, left, ' ');
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			for (n = 0; s[n]; n++)
				;
			put_padded(&o, s, n, width, left, ' ');
			break;
		}
		case 'c':
			num[0] = (char)va_arg(ap, int);
			put_padded(&o, num, 1, width, left, ' ');
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			/* Unknown conversion: show it rather than guess an argument. */
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len] = '\0';
	return o.len;
}

size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
