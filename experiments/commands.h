/* The subcommands of `fnegraph`, one cmd_<name>.c each. */
#ifndef FNEGRAPH_COMMANDS_H
#define FNEGRAPH_COMMANDS_H

int fg_cmd_info(int argc, char **argv);
int fg_cmd_extract(int argc, char **argv);
int fg_cmd_graph(int argc, char **argv);
int fg_cmd_table(int argc, char **argv);
int fg_cmd_gen_weights(int argc, char **argv);
int fg_cmd_demo_data(int argc, char **argv);
int fg_cmd_cluster(int argc, char **argv);
int fg_cmd_score(int argc, char **argv);
int fg_cmd_sweep(int argc, char **argv);
int fg_cmd_demo(int argc, char **argv);
int fg_cmd_compare_fne(int argc, char **argv);

#endif
