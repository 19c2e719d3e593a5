/* libjpeg's error manager as fnegraph needs it: error_exit longjmps back into
 * our function with the message kept, warnings are counted and never printed,
 * and "premature end of JPEG file" is promoted to an error (docs/method.md §3:
 * a truncated file is not an image). Shared by the JPEG reader and writer. */
#ifndef FNEGRAPH_JPEG_ERR_H
#define FNEGRAPH_JPEG_ERR_H

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>

#include <jpeglib.h>

typedef struct fg_i_jpeg_err {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
    int truncated; /* the longjmp came from premature end of data */
} fg_i_jpeg_err;

/* Install the handlers into e->pub and return it, for cinfo.err. */
struct jpeg_error_mgr *fg_i_jpeg_err_init(fg_i_jpeg_err *e);

#endif
