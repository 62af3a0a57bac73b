/* Function tracing by NOP patching, as Linux's ftrace does it: every
 * traceable function starts with 5 bytes the compiler reserved
 * (-fpatchable-function-entry=5, sites listed in __patchable_function_entries);
 * at boot each becomes the one 5-byte NOP 0f 1f 44 00 00; tracing turns the
 * chosen ones into CALL ftrace_caller (ftrace_tracers.asm) with the three-step
 * text_poke protocol, and back. Tracers: function (who called whom, when),
 * function_graph (entries, exits and durations, by hijacking the return
 * address) and function_profile (hits and time per function). */
#ifndef PMULAB_FTRACE_H
#define PMULAB_FTRACE_H

#include "kernel-side/cpu/text_poke.h"

#define FTRACE_RING_MAX		4096
#define FTRACE_GRAPH_DEPTH	64
#define FTRACE_PROFILE_MAX	256
#define FTRACE_REFUSED_KEPT	8

/* The compiler's reserved bytes, and what boot makes of them (Linux's
 * x86_nops[5], the one NOP long enough, SDM Vol2B NOP). */
#define FTRACE_HOLE		"\x90\x90\x90\x90\x90"
#define FTRACE_NOP5		"\x0f\x1f\x44\x00\x00"
#define CALL_REL32		0xe8

/* ftrace_tracers.asm: the CALL target of an enabled site, and the return
 * address function_graph substitutes. */
extern char ftrace_caller[], ftrace_return_to_handler[];

enum ftrace_tracer { FTRACE_OFF, FTRACE_FUNCTION, FTRACE_GRAPH, FTRACE_PROFILE };
enum ftrace_type { FT_CALL, FT_ENTRY, FT_EXIT };

/* 40 bytes, laid out for ftrace_tracers.asm's fast path too. */
struct ftrace_event {
	u64 ts;			/* the TSC */
	u64 ip;			/* the traced function */
	u64 parent;		/* function tracer: the return address into the caller */
	u64 duration;		/* exits: ticks since the entry */
	u32 depth;		/* graph: nesting, 0 outermost */
	u8 type;		/* enum ftrace_type */
};

struct ftrace_profile {
	u64 ip, hits, total;
};

struct ftrace_init {
	unsigned sites, converted, refused;
	struct {
		u8 *addr;
		u8 bytes[POKE_LEN];
	} refused_site[FTRACE_REFUSED_KEPT];
};

/* The ring, shared by ftrace_tracers.c and ftrace_tracers.asm's fast path
 * (the function tracer, overwriting: ftrace_fast set by ftrace_start). */
extern struct ftrace_event ftrace_ring[FTRACE_RING_MAX];
extern u32 ftrace_head, ftrace_count;
extern u64 ftrace_written, ftrace_lost;
extern u8 ftrace_fast;

/* Sites (ftrace.c). */
unsigned ftrace_site_count(void);
u8 *ftrace_site(unsigned i);
/* Boot: each site's 5 hole bytes become the NOP; a site holding anything
 * else is left alone and reported. */
void ftrace_init(struct ftrace_init *r);
/* Sites whose 5 bytes are not the NOP (and are not enabled). */
unsigned ftrace_sites_not_nop(void);
/* Sites not as ftrace_init() left them (the NOP, or what it refused to
 * touch), or -1 before it ran: after a section, any is code left patched. */
int ftrace_sites_changed(void);
/* Patches CALL ftrace_caller into every site whose function matches filter
 * and not notrace (comma-separated globs, "none" for no notrace); names come
 * from the symbol table at image_base. Returns how many. */
unsigned ftrace_enable(const char *filter, const char *notrace, u64 image_base);
/* Every enabled site back to the NOP. */
void ftrace_disable(void);

/* Tracers (ftrace_tracers.c). ftrace_start() clears the buffers and picks
 * the tracer; overwrite: a full ring drops its oldest entry, else stops. */
void ftrace_start(enum ftrace_tracer t, bool overwrite);
void ftrace_stop(void);
u64 ftrace_start_tsc(void);	/* the TSC at ftrace_start() */
unsigned ftrace_event_count(void);
const struct ftrace_event *ftrace_event(unsigned i);	/* oldest first */
u64 ftrace_written_count(void);
u64 ftrace_lost_count(void);
u64 ftrace_graph_skipped(void);	/* frames an early exit left behind */
unsigned ftrace_profile_count(void);
const struct ftrace_profile *ftrace_profile(unsigned i);

/* Called from ftrace_tracers.asm: ip is the site, parent_slot the stack slot
 * holding the return address into the caller. */
void ftrace_entry(u64 ip, u64 *parent_slot);
/* Called from ftrace_return_to_handler: the slot the hijacked return address
 * was in; returns where the function really returns to. */
u64 ftrace_graph_return(u64 *slot);

/* Shell-style glob (* and ?), and a comma-separated list of them. */
bool ftrace_glob(const char *pat, size_t plen, const char *name);
bool ftrace_match_list(const char *list, const char *name);

#endif
