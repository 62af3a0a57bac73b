/* pmulab db and pmulab history (host/db/db_cmd.c), for host/main.c. */
#ifndef PMULAB_DB_CLI_H
#define PMULAB_DB_CLI_H

extern const char usage_db[], usage_history[];
int cmd_db(int argc, char **argv);
int cmd_history(int argc, char **argv);

#endif
