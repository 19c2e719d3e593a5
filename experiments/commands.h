/* The subcommands of `fnegraph`, one cmd_<name>.c each. */
#ifndef FNEGRAPH_COMMANDS_H
#define FNEGRAPH_COMMANDS_H

int fg_cmd_info(int argc, char **argv);
int fg_cmd_cluster(int argc, char **argv);
int fg_cmd_score(int argc, char **argv);

#endif
