/* ftrace sites and patching (ftrace.h). The site table is the compiler's:
 * __patchable_function_entries holds each hooked function's address (made
 * absolute by the loader's relocations), bounded by the linker script. */
#include "kernel-side/ftrace/ftrace.h"
#include "lib/libc.h"
#include "lib/symtab.h"

#define ENABLED_MAX	1024

extern u64 __start_patchable[], __stop_patchable[];	/* firmware/pmulab.lds */

static struct poke enabled[ENABLED_MAX];
static unsigned nenabled;
static bool booted;
static unsigned refused_at_boot;

unsigned ftrace_site_count(void)
{
	return (unsigned)(__stop_patchable - __start_patchable);
}

u8 *ftrace_site(unsigned i)
{
	return (u8 *)(uintptr_t)__start_patchable[i];
}

void ftrace_init(struct ftrace_init *r)
{
	*r = (struct ftrace_init){ .sites = ftrace_site_count() };
	for (unsigned i = 0; i < r->sites; i++) {
		u8 *site = ftrace_site(i);

		if (!memcmp(site, FTRACE_HOLE, POKE_LEN)) {
			/* Nothing runs a site before this: a plain write will do
			 * (Linux's text_poke_early). */
			text_poke(site, FTRACE_NOP5, POKE_LEN);
			r->converted++;
			continue;
		}
		if (!memcmp(site, FTRACE_NOP5, POKE_LEN))
			continue;	/* converted already (a second boot section) */
		if (r->refused < FTRACE_REFUSED_KEPT) {
			r->refused_site[r->refused].addr = site;
			memcpy(r->refused_site[r->refused].bytes, site, POKE_LEN);
		}
		r->refused++;
	}
	/* The NOPs stay: leaving this section must not put the holes back. */
	text_poke_commit();
	booted = true;
	refused_at_boot = r->refused;
}

unsigned ftrace_sites_not_nop(void)
{
	unsigned bad = 0;

	for (unsigned i = 0; i < ftrace_site_count(); i++)
		bad += memcmp(ftrace_site(i), FTRACE_NOP5, POKE_LEN) != 0;
	return bad;
}

int ftrace_sites_changed(void)
{
	return booted ? (int)(ftrace_sites_not_nop() - refused_at_boot) : -1;
}

/* CALL rel32 from site to ftrace_caller (SDM Vol2A CALL: E8 cd, relative
 * to the next instruction). */
static void call_insn(struct poke *p, u8 *site)
{
	s32 rel = (s32)((u64)(uintptr_t)ftrace_caller - ((u64)(uintptr_t)site + POKE_LEN));

	p->addr = site;
	p->insn[0] = CALL_REL32;
	memcpy(p->insn + 1, &rel, 4);
}

unsigned ftrace_enable(const char *filter, const char *notrace, u64 image_base)
{
	ftrace_disable();
	for (unsigned i = 0; i < ftrace_site_count() && nenabled < ENABLED_MAX; i++) {
		u8 *site = ftrace_site(i);
		u64 off;
		const char *name = symtab_name((u64)(uintptr_t)site, image_base, &off);

		/* Only a site that is the NOP and starts its function. */
		if (!name || off || memcmp(site, FTRACE_NOP5, POKE_LEN) ||
		    !ftrace_match_list(filter, name) || ftrace_match_list(notrace, name))
			continue;
		call_insn(&enabled[nenabled++], site);
	}
	text_poke_batch(enabled, nenabled);
	return nenabled;
}

void ftrace_disable(void)
{
	for (unsigned i = 0; i < nenabled; i++)
		memcpy(enabled[i].insn, FTRACE_NOP5, POKE_LEN);
	text_poke_batch(enabled, nenabled);
	nenabled = 0;
}
