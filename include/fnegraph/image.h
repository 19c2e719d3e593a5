/* Images (docs/method.md §3): decode by content, resize, preprocess to the network
 * input, and write JPEG/PNG/PPM files (fixtures, the synthetic demo set).
 *
 * Decoding looks at the first bytes, never at the file name: JPEG (baseline,
 * progressive, grayscale, CMYK, YCCK), PNG, GIF (first frame), BMP and
 * PPM/PGM/PBM. Every decoder returns 8-bit interleaved RGB:
 *  - JPEG: grayscale is replicated; CMYK/YCCK is converted with
 *    R = (255-C)(255-K)/255 (likewise G from M, B from Y); a file with an
 *    Adobe APP14 marker is taken to hold inverted ink values, as Photoshop
 *    writes them (the convention of libjpeg's djpeg, Pillow and browsers).
 *    EXIF orientation is not applied (neither do Keras nor Pillow by default).
 *    Truncated data ("premature end of JPEG file") is an error; libjpeg's
 *    other recoverable warnings (extraneous bytes, ...) are not.
 *  - PNG: palette, gray (1..16 bits), gray+alpha, RGB(A), 8 or 16 bits,
 *    interlaced. 16-bit samples become round(v * 255 / 65535). Alpha (and a
 *    tRNS chunk) is dropped: the colour channels are kept as stored, which is
 *    what Pillow's convert("RGB"), and so Keras's load_img, does. gAMA is ignored.
 *  - GIF: the first frame placed on the logical screen; the rest of the
 *    screen and the frame's transparent pixels are white (as a browser on a
 *    white page shows them). Interlaced frames are de-interlaced.
 *  - BMP: 1/4/8-bit palettes, 16-bit (5-5-5 or bit fields), 24-bit, 32-bit
 *    (BGRX or bit fields; alpha dropped), bottom-up and top-down, BI_RLE8 and
 *    BI_RLE4 (pixels skipped by a delta take palette entry 0).
 *  - PNM: P1..P6, ASCII and binary, maxval up to 65535 (samples become
 *    round(v * 255 / maxval)), '#' comments in the header.
 * A corrupt, truncated, empty or unsupported file is an FG_EFORMAT error whose
 * message starts with the path and says what was wrong. Images larger than
 * FG_IMAGE_MAX_SIDE on a side or FG_IMAGE_MAX_PIXELS decoded pixels are
 * refused before any large allocation. */
#ifndef FNEGRAPH_IMAGE_H
#define FNEGRAPH_IMAGE_H

#include "fnegraph/export.h"

#include "fnegraph/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The network input: FG_INPUT_SIZE x FG_INPUT_SIZE x 3 floats, NHWC. */
#define FG_INPUT_SIZE 224
/* The shorter side before the centre crop of FG_RESIZE_CROP. */
#define FG_CROP_SHORT_SIDE 256
/* Largest accepted side and decoded pixel count (64 Mi pixels = 192 MiB RGB). */
#define FG_IMAGE_MAX_SIDE 65535
#define FG_IMAGE_MAX_PIXELS ((int64_t)1 << 26)

typedef enum fg_image_format {
    FG_IMAGE_UNKNOWN = 0,
    FG_IMAGE_JPEG,
    FG_IMAGE_PNG,
    FG_IMAGE_GIF,
    FG_IMAGE_BMP,
    FG_IMAGE_PNM
} fg_image_format;

/* An 8-bit RGB image, rows top to bottom, pixels interleaved R, G, B. */
typedef struct fg_image {
    int width, height;
    uint8_t *rgb;            /* [height][width][3], from fg_alloc */
    fg_image_format format;  /* what it was decoded from (UNKNOWN if made in memory) */
    int src_width, src_height; /* size stored in the file */
    int scale_denom;         /* 1, or 2/4/8 when JPEG DCT scaling reduced it */
} fg_image;

typedef enum fg_resize_mode {
    FG_RESIZE_DIRECT = 0, /* whole image to 224x224, aspect ratio not kept (default) */
    FG_RESIZE_CROP = 1    /* shorter side to 256, then the centre 224x224 */
} fg_resize_mode;

typedef enum fg_preprocess {
    FG_PREPROCESS_CAFFE = 0, /* BGR minus the mean pixel 103.939, 116.779, 123.68 (default) */
    FG_PREPROCESS_RAW = 1    /* RGB in 0..255, no mean */
} fg_preprocess;

/* The caffe mean pixel, in B, G, R order. */
#define FG_CAFFE_MEAN_B 103.939f
#define FG_CAFFE_MEAN_G 116.779f
#define FG_CAFFE_MEAN_R 123.68f

/* Make a width x height image (pixels uninitialised). Sides must be 1..
 * FG_IMAGE_MAX_SIDE and the area at most FG_IMAGE_MAX_PIXELS. */
FG_API fg_status fg_image_create(int width, int height, fg_image *out);
/* Free; accepts a zeroed or half-built image and leaves it zeroed. */
FG_API void fg_image_destroy(fg_image *img);

/* The format the first bytes announce (FG_IMAGE_UNKNOWN when none). */
FG_API fg_image_format fg_image_sniff(const void *data, size_t size);
/* "JPEG", "PNG", "GIF", "BMP", "PNM", "unknown". */
FG_API const char *fg_image_format_name(fg_image_format f);

/* Decode a file by its content. min_side_hint: 0 decodes at full size; N > 0
 * lets a JPEG decoder reduce the image by DCT scaling (1/2, 1/4 or 1/8: the
 * largest reduction whose both sides stay >= N), so pass
 * fg_resize_min_side(mode) when the image goes on to fg_image_to_input. Other
 * formats always decode at full size. Errors name the path:
 * "x.jpg: truncated JPEG data", "x.jpg: not an image (unknown signature 3c 68 74 6d)". */
FG_API fg_status fg_image_decode_file(const char *path, int min_side_hint, fg_image *out);
/* The same from memory; `name` is used in error messages. */
FG_API fg_status fg_image_decode_memory(const void *data, size_t size, const char *name,
                                 int min_side_hint, fg_image *out);

/* Bilinear resampling with half-pixel centres (OpenCV INTER_LINEAR,
 * PyTorch align_corners=False): destination pixel d of a side reduced from
 * S to D samples the source at s = (d + 0.5) * S / D - 0.5, clamped to
 * [0, S - 1], interpolating linearly between floor(s) and floor(s) + 1. No
 * anti-aliasing prefilter (as OpenCV). Values stay in float (not rounded).
 * out: [out_h][out_w][3] RGB floats in 0..255. */
FG_API fg_status fg_image_resize_f32(const fg_image *img, int out_w, int out_h, float *out);
/* The same rounded to 8 bits into a new image. */
FG_API fg_status fg_image_resize(const fg_image *img, int out_w, int out_h, fg_image *out);

/* The geometry of a resize mode: the image is resampled to rw x rh and the
 * FG_INPUT_SIZE square at (x0, y0) of that is kept. DIRECT: 224x224 at (0,0).
 * CROP: the shorter side becomes 256 and the longer floor(256 * long / short)
 * (as torchvision's Resize(256)), x0 = (rw - 224) / 2, y0 = (rh - 224) / 2
 * rounded down (torchvision's CenterCrop rounds to nearest: an offset may
 * differ from it by one pixel when rw - 224 is odd). */
FG_API void fg_resize_geometry(int width, int height, fg_resize_mode mode, int *rw, int *rh, int *x0, int *y0);
/* The shorter side a decoder must keep for this mode (224 or 256). */
FG_API int fg_resize_min_side(fg_resize_mode mode);

/* The network input of one image: resize (mode) then preprocess into
 * out[224][224][3] (NHWC, float32). caffe: out = (B - 103.939, G - 116.779,
 * R - 123.68) with B, G, R the unrounded bilinear values; raw: (R, G, B). */
FG_API fg_status fg_image_to_input(const fg_image *img, fg_resize_mode mode, fg_preprocess pre, float *out);

/* The whole path for one file: decode with min_side_hint =
 * fg_resize_min_side(mode) (JPEG DCT scaling where it keeps the size
 * needed), then fg_image_to_input. Errors name the path. */
FG_API fg_status fg_image_file_to_input(const char *path, fg_resize_mode mode, fg_preprocess pre, float *out);

/* Option strings: "direct"/"crop", "caffe"/"raw". Parsing an unknown name is
 * FG_EINVAL with a message that lists the accepted names. */
FG_API fg_status fg_resize_mode_parse(const char *s, fg_resize_mode *out);
FG_API const char *fg_resize_mode_name(fg_resize_mode m);
FG_API fg_status fg_preprocess_parse(const char *s, fg_preprocess *out);
FG_API const char *fg_preprocess_name(fg_preprocess p);

/* Flags of fg_image_write_jpeg. */
enum {
    FG_JPEG_PROGRESSIVE = 1, /* progressive scan script (jpeg_simple_progression) */
    FG_JPEG_GRAYSCALE = 2    /* one luminance channel */
};
/* Write img as a JFIF JPEG (quality 1..100, 4:2:0 chroma subsampling, flags
 * from FG_JPEG_*; passing true as flags means progressive). The output is a
 * deterministic function of the inputs. A failed write removes the file. */
FG_API fg_status fg_image_write_jpeg(const char *path, const fg_image *img, int quality, unsigned flags);
/* Write img as an 8-bit RGB PNG (lossless). */
FG_API fg_status fg_image_write_png(const char *path, const fg_image *img);
/* Write img as a binary PPM (P6, maxval 255). */
FG_API fg_status fg_image_write_ppm(const char *path, const fg_image *img);

#ifdef __cplusplus
}
#endif
#endif
