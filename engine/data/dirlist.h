/* Internals shared by the dataset adapters (engine/data/): growable string
 * lists, folder listing and the recursive image walk of the folder adapter,
 * reading a small text file, and the "class folders + split lists" layout
 * that mit67 and textures share. */
#ifndef FNEGRAPH_DATA_DIRLIST_H
#define FNEGRAPH_DATA_DIRLIST_H

#include "fnegraph/dataset.h"

#include <stddef.h>

typedef struct fg_i_strlist {
    char **v;
    size_t n, cap;
} fg_i_strlist;

void fg_i_strlist_free(fg_i_strlist *l);
/* Append a + (b ? "/" b : ""); 0 or -1 (out of memory). */
int fg_i_strlist_push(fg_i_strlist *l, const char *a, const char *b);
/* Sort with strcmp (byte order). */
void fg_i_strlist_sort(fg_i_strlist *l);
/* a + "/" + b (b may be NULL: a copy of a), from fg_alloc; NULL when out of memory. */
char *fg_i_join(const char *a, const char *b);

/* The non-hidden entries (names not starting with '.') of folder dir. */
fg_status fg_i_list_dir(const char *dir, fg_i_strlist *names);
/* The regular files below root/rel at any depth (up to 16 levels; symbolic
 * links followed; a dangling link is listed so that decoding reports it),
 * hidden entries skipped, appended to files as paths relative to root. */
fg_status fg_i_walk(const char *root, const char *rel, fg_i_strlist *files);
/* The non-hidden sub-folders of dir (links followed), sorted by strcmp. */
fg_status fg_i_class_folders(const char *dir, fg_i_strlist *classes);

/* 1 when path is an existing folder, 0 when absent; other errors: -1. */
int fg_i_is_dir(const char *path);
/* 1 when path exists (any type), 0 when it does not. */
int fg_i_exists(const char *path);
/* Check that root exists and is a folder ("ROOT: dataset root: no such folder"). */
fg_status fg_i_check_root(const char *root);

/* A whole file into a NUL-terminated buffer (fg_alloc). A NUL byte inside
 * the file is FG_EFORMAT naming the file. Files over max_bytes are refused. */
fg_status fg_i_read_text(const char *path, size_t max_bytes, char **text, size_t *size);
/* Next line of a text buffer: *cursor advances; the line is NUL-terminated in
 * place without its '\n' and a trailing '\r'. Returns NULL at the end. */
char *fg_i_next_line(char **cursor);
/* 1 when s holds only spaces, tabs, '\v' or '\f' (or nothing). */
int fg_i_blank(const char *s);

/* One split list of a class-folder layout: path (the file), split tag. */
typedef struct fg_i_split_list {
    const char *path;
    fg_split split;
} fg_i_split_list;

/* The class-folder + split-lists layout (mit67, textures): ds (initialised,
 * empty) is filled from ROOT/<images>/<class>/... and the lists, whose
 * non-blank lines are "class/file" relative to ROOT/<images>.
 * scan != 0: classes are the sub-folders of ROOT/<images> sorted by strcmp,
 * images every file below them (as fg_dataset_folder), sorted by path within
 * a class; each image gets the split of the list naming it, FG_SPLIT_ALL if
 * none. A listed image that is not there is an error naming list and line.
 * scan == 0: images and classes come from the lists alone (nothing is
 * checked on disk), in the same order. In both modes an image listed twice
 * (in one list or two) is an error naming both places. */
fg_status fg_i_split_layout(fg_dataset *ds, const char *images, const fg_i_split_list *lists, int n_lists,
                            int scan);

#endif
