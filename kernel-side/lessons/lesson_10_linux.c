/* Lesson 10: from the mechanisms to the Linux playbook -- what perf stat,
 * perf record, ftrace and the probes do with the hardware of lessons 1-9,
 * and where the USE and RED methods fit. Commands to try on a Linux host. */
#include "kernel-side/explain/explain.h"
#include "kernel-side/ftrace/ftrace.h"
#include "kernel-side/lessons/lesson.h"

#define LOOP_N	1000

static struct lesson_result res;

static void perf_stat(const struct lab *lab)
{
	char line[EXPLAIN_LINE_MAX];
	u64 sel = 0x00c0 | ARCH_PERFMON_EVENTSEL_USR | ARCH_PERFMON_EVENTSEL_EN;

	lesson_say("perf stat counts, as lesson 2 did: perf_event_open() asks the "
		   "kernel for a counter, and the kernel writes the same selector "
		   "pmulab wrote. `perf stat -e instructions:u` counts at CPL 3 only, "
		   "so on an Intel CPU the kernel writes:");
	explain_msr_fields(line, sizeof(line), MSR_IA32_EVNTSEL0, sel);
	lesson_code("IA32_PERFEVTSEL0 <- 0x%08llx  %s", (unsigned long long)sel, line);
	lesson_say("Try:");
	lesson_code("perf stat -e instructions,cycles -- ./prog");
	lesson_code("perf stat -e instructions:u,cycles:u -r 5 -- ./prog");
	lesson_code("perf list  # the events this CPU has");
	lesson_say("IPC below about 1 on a busy CPU says stalls (memory, lesson 3; "
		   "mispredictions, lesson 4); `perf stat -M TopdownL1` splits the "
		   "cycles into where they went, on CPUs whose PMU has the slots event.");
	lesson_measure(lab, "lesson10-loop", mb_loop, NULL, LOOP_N, "instructions", &res);
}

static void perf_record(const struct lab *lab)
{
	lesson_say("perf record samples: it sets a counter to overflow every N "
		   "events (or a timer), and at each overflow interrupt records the "
		   "RIP and the call stack (lesson 5). Counting says how much; "
		   "sampling says where.");
	lesson_code("perf record -F 999 -g -- ./prog        # frame-pointer stacks");
	lesson_code("perf record --call-graph lbr -- ./prog # LBR stacks (lesson 6)");
	lesson_code("perf record --call-graph dwarf -- ./prog");
	lesson_code("perf report --stdio");
	lesson_code("perf script | stackcollapse-perf.pl | flamegraph.pl > prog.svg");
	lesson_say("A flame graph stacks each sampled call chain: width is how often "
		   "a frame was on the stack, so the wide towers are where the time "
		   "goes.");
}

static void ftrace(const struct lab *lab)
{
	lesson_say("Linux's function tracer is lesson 9: every traceable kernel "
		   "function starts with the 5-byte NOP, and enabling a tracer "
		   "patches CALLs in with the same INT3 protocol. As root:");
	lesson_code("cd /sys/kernel/tracing");
	lesson_code("wc -l available_filter_functions  # the sites");
	lesson_code("echo 'vfs_read' > set_ftrace_filter");
	lesson_code("echo function_graph > current_tracer; cat trace | head");
	lesson_code("cat enabled_functions             # the sites now a CALL");
	lesson_code("echo nop > current_tracer          # every CALL back to the NOP");
	lesson_say("Or: trace-cmd record -p function_graph -g vfs_read ls; trace-cmd "
		   "report. This payload has %u sites; pmulab report --format ftrace "
		   "prints its traces as that trace file does.", ftrace_site_count());
}

static void probes(const struct lab *lab)
{
	lesson_say("kprobes and uprobes put an INT3 on any instruction (lesson 7): "
		   "the trap runs the handler, the original instruction is "
		   "single-stepped out of line, and execution resumes. Hardware "
		   "breakpoints (lesson 8) watch an address with the debug registers "
		   "instead, with no byte changed.");
	lesson_code("perf probe -x ./prog func && perf stat -e probe_prog:func ./prog");
	lesson_code("perf probe --add do_sys_openat2; perf record -e probe:do_sys_openat2 -a");
	lesson_code("bpftrace -e 'uprobe:./prog:func { @[ustack] = count(); }'");
	lesson_code("perf stat -e mem:0x601040:w -- ./prog   # a DR write watchpoint");
}

static void use_red(const struct lab *lab)
{
	lesson_say("The mechanisms answer \"what is this code doing on this CPU\". "
		   "The methods say where to look first. USE (Gregg): for every "
		   "resource -- CPU, memory, disk, network -- its Utilization, "
		   "Saturation and Errors:");
	lesson_code("mpstat -P ALL 1     # CPU utilization, per CPU");
	lesson_code("vmstat 1            # r: the run queue, CPU saturation; si/so: swapping");
	lesson_code("iostat -xz 1        # disk utilization and queue");
	lesson_code("sar -n DEV,EDEV 1   # network throughput and errors");
	lesson_say("RED (Wilkie): for every service, its Rate, Errors and Duration of "
		   "requests -- what users feel. When USE finds a CPU busy and RED a "
		   "slow request, the PMU says why: perf stat's IPC and cache and "
		   "branch misses, then perf record -g for where, ftrace and probes "
		   "for the exact path.");
	lesson_real_vs_tcg("every command above works; perf stat and perf record -e "
			   "cycles need the PMU (in a VM, a vPMU: KVM with pmu=on).",
			   "a guest under TCG has no PMU: perf falls back to software "
			   "events (cpu-clock, task-clock) and hrtimer sampling; ftrace "
			   "and probes work, as lesson 9 showed here.");
}

static void question(const struct lab *lab)
{
	lesson_question("What would `perf stat -e instructions:u` print for lesson 2's "
			"loop of 1000 iterations, run as a Linux program?");
	if (res.icount)
		lesson_answer("%llu instructions for the loop itself: this run measured "
			      "%llu for %llu iterations (2 an iteration, exact under "
			      "-icount). perf would print more -- process start-up, the "
			      "libc, exit -- since it counts the whole process, not the "
			      "difference of two runs.", (unsigned long long)res.insns,
			      (unsigned long long)res.insns, (unsigned long long)res.iters);
	else if (lesson_event(&res, "instructions"))
		lesson_answer("%lld instructions for the loop itself, as this run counted; "
			      "perf would print more, counting the whole process.",
			      (long long)*lesson_event(&res, "instructions"));
	else
		lesson_answer("not measured here (no PMU and no -icount).");
}

static const struct lesson_step steps[] = {
	{ "perf stat: counting and IPC", perf_stat },
	{ "perf record -g and flame graphs", perf_record },
	{ "ftrace", ftrace },
	{ "kprobes, uprobes and breakpoints", probes },
	{ "USE and RED: where the mechanisms fit", use_red },
	{ "Question", question },
};

LESSON(10, "From mechanisms to the Linux playbook", 0, steps);
