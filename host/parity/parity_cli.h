/* pmulab parity: the kvm-unit-tests parity tables, as markdown or judged
 * against a run (parity_cmd.c). */
#ifndef PMULAB_PARITY_CLI_H
#define PMULAB_PARITY_CLI_H

extern const char usage_parity[];
int cmd_parity(int argc, char **argv);

#endif
