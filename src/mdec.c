/*
 * Media decoding in the sandboxed child (mproc.c has the sandbox).
 * Both paths end the same way: the thumbnail as sRGB pixels, upright,
 * longest side at most the size asked; from those the JPEG (libvips,
 * quality 80, nothing but pixels kept) and the BlurHash (4x3).
 *
 * Images: libvips's thumbnail (shrink-on-load for JPEG and WebP, the
 * Orientation tag applied) with fail_on=truncated, so a file whose
 * pixel data stops early fails instead of showing grey.  Videos: the
 * frame at 1 s, or the first frame when the video is shorter, decoded
 * by the FFmpeg libraries, scaled by libswscale and turned upright by
 * the stream's display matrix.  Every library runs on one thread: the
 * child's memory limit then holds one decoder's working set.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
#include <vips/vips.h>

#include "blurhash.h"
#include "mdec.h"
#include "mproc.h"
#include "xmem.h"

#define MDEC_MAX_IN	(64 * 1024 * 1024)	/* a 50 MiB upload and more */
#define MDEC_AT_MS	1000			/* a video's thumbnail frame */

static int
mdec_fail(const char *what)
{
	fprintf(stderr, "vybes-worker: media child: %s\n", what);
	return 1;
}

/*
 * Encode the upright w x h RGB thumbnail `rgb' into r (JPEG and
 * BlurHash) and write the answer.  Returns the exit status.
 */
static int
mdec_finish(unsigned char *rgb, int w, int h, struct mproc_res *r)
{
	VipsImage	*im;
	void		*jpeg = NULL;
	size_t		 jlen = 0;
	int		 rc;

	if (blurhash_encode(rgb, w, h, (size_t)w * 3, 4, 3,
	    r->blurhash) == -1)
		return mdec_fail("blurhash");
	if ((im = vips_image_new_from_memory(rgb, (size_t)w * h * 3, w, h, 3,
	    VIPS_FORMAT_UCHAR)) == NULL)
		return mdec_fail(vips_error_buffer());
	if (vips_jpegsave_buffer(im, &jpeg, &jlen, "Q", 80, "strip", TRUE,
	    NULL) != 0) {
		g_object_unref(im);
		return mdec_fail(vips_error_buffer());
	}
	g_object_unref(im);
	r->jpeg = jpeg;
	r->jpeg_len = jlen;
	rc = mproc_answer(r) == 0 ? 0 : mdec_fail("cannot write the answer");
	g_free(jpeg);
	return rc;
}

/* Read all of stdin into *buf (free()); -1 when over MDEC_MAX_IN. */
static int
mdec_slurp(unsigned char **buf, size_t *len)
{
	size_t	 cap = 1 << 20, n;

	*buf = xmalloc(cap);
	*len = 0;
	while ((n = fread(*buf + *len, 1, cap - *len, stdin)) > 0) {
		*len += n;
		if (*len == cap) {
			if (cap >= MDEC_MAX_IN)
				return -1;
			cap *= 2;
			*buf = xreallocarray(*buf, cap, 1);
		}
	}
	return ferror(stdin) ? -1 : 0;
}

static int
mdec_image(int size)
{
	struct mproc_res r;
	VipsImage	*in = NULL, *thumb = NULL, *t[4] = { NULL };
	unsigned char	*data = NULL, *rgb = NULL;
	size_t		 len, rlen, i;
	int		 orient = 1, tw, th, rc = 1;

	memset(&r, 0, sizeof(r));
	r.duration_ms = -1;
	if (mdec_slurp(&data, &len) == -1) {
		rc = mdec_fail("cannot read the object");
		goto out;
	}
	if ((in = vips_image_new_from_buffer(data, len, "", "access",
	    VIPS_ACCESS_SEQUENTIAL, NULL)) == NULL ||
	    vips_thumbnail_buffer(data, len, &thumb, size, "height", size,
	    "size", VIPS_SIZE_DOWN, "option_string", "fail_on=truncated",
	    NULL) != 0) {
		rc = mdec_fail(vips_error_buffer());
		goto out;
	}
	if (vips_image_get_typeof(in, VIPS_META_ORIENTATION) != 0 &&
	    vips_image_get_int(in, VIPS_META_ORIENTATION, &orient) != 0)
		orient = 1;
	mproc_dims(vips_image_get_width(in), vips_image_get_height(in),
	    orient, size, &r.width, &r.height, &tw, &th);
	/* To 8-bit sRGB, transparency flattened on white. */
	if (vips_colourspace(thumb, &t[0], VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
	    (vips_image_hasalpha(t[0]) ? vips_flatten(t[0], &t[1],
	    "background", vips_array_double_newv(3, 255.0, 255.0, 255.0),
	    NULL) : vips_copy(t[0], &t[1], NULL)) != 0 ||
	    vips_cast_uchar(t[1], &t[2], NULL) != 0 ||
	    vips_extract_band(t[2], &t[3], 0, "n", 3, NULL) != 0 ||
	    (rgb = vips_image_write_to_memory(t[3], &rlen)) == NULL) {
		rc = mdec_fail(vips_error_buffer());
		goto out;
	}
	rc = mdec_finish(rgb, vips_image_get_width(t[3]),
	    vips_image_get_height(t[3]), &r);
out:
	g_free(rgb);
	for (i = 0; i < 4; i++)
		if (t[i] != NULL)
			g_object_unref(t[i]);
	if (thumb != NULL)
		g_object_unref(thumb);
	if (in != NULL)
		g_object_unref(in);
	free(data);
	return rc;
}

/* Exif orientation (1, 3, 6, 8) of the stream's display matrix. */
static int
mdec_orientation(const AVStream *st)
{
	const uint8_t	*m;
	long		 deg;

	if ((m = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX,
	    NULL)) == NULL)
		return 1;
	/* Clockwise degrees, as ffmpeg's get_rotation(). */
	deg = lround(-av_display_rotation_get((const int32_t *)m));
	deg = ((deg % 360) + 360 + 45) / 90 % 4;
	return deg == 1 ? 6 : deg == 2 ? 3 : deg == 3 ? 8 : 1;
}

/* Turn the w x h RGB picture `in' upright by `orient' (1, 3, 6, 8). */
static unsigned char *
mdec_rotate(const unsigned char *in, int w, int h, int orient)
{
	unsigned char	*o = xmalloc((size_t)w * h * 3);
	int		 x, y, ox, oy, ow;

	ow = orient == 6 || orient == 8 ? h : w;
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			switch (orient) {
			case 3:
				ox = w - 1 - x;
				oy = h - 1 - y;
				break;
			case 6:
				ox = h - 1 - y;
				oy = x;
				break;
			case 8:
				ox = y;
				oy = w - 1 - x;
				break;
			default:
				ox = x;
				oy = y;
				break;
			}
			memcpy(o + ((size_t)oy * ow + ox) * 3,
			    in + ((size_t)y * w + x) * 3, 3);
		}
	return o;
}

/*
 * Decode frames of stream `idx' until one at or after `at' (stream time
 * base) into f; the last one decoded when the stream ends before.  0, or
 * -1 when no frame decodes.
 */
static int
mdec_frame(AVFormatContext *fc, AVCodecContext *cc, int idx, int64_t at,
    AVFrame *f)
{
	AVPacket	*pkt = av_packet_alloc();
	int		 got = 0, r, eof = 0;

	while (!eof) {
		if ((r = av_read_frame(fc, pkt)) < 0) {
			eof = 1;
			avcodec_send_packet(cc, NULL);
		} else if (pkt->stream_index != idx) {
			av_packet_unref(pkt);
			continue;
		} else {
			r = avcodec_send_packet(cc, pkt);
			av_packet_unref(pkt);
			if (r < 0 && r != AVERROR(EAGAIN))
				break;
		}
		while ((r = avcodec_receive_frame(cc, f)) == 0) {
			got = 1;
			if (f->best_effort_timestamp == AV_NOPTS_VALUE ||
			    f->best_effort_timestamp >= at)
				goto out;
		}
		if (r != AVERROR(EAGAIN) && r != AVERROR_EOF)
			break;
	}
out:
	av_packet_free(&pkt);
	return got ? 0 : -1;
}

static int
mdec_video(int size)
{
	struct mproc_res r;
	AVFormatContext	*fc = NULL;
	AVCodecContext	*cc = NULL;
	const AVCodec	*codec = NULL;
	struct SwsContext *sws = NULL;
	AVStream	*st;
	AVFrame		*f = av_frame_alloc();
	unsigned char	*rgb = NULL, *up = NULL;
	uint8_t		*dst[4];
	int		 dstride[4], idx, orient, tw, th, sw, sh, rc = 1;
	int64_t		 at = 0;

	memset(&r, 0, sizeof(r));
	av_log_set_level(AV_LOG_ERROR);
	/* stdin is a file (mproc.c): seekable, as MP4 needs. */
	if (avformat_open_input(&fc, "/proc/self/fd/0", NULL, NULL) < 0 ||
	    avformat_find_stream_info(fc, NULL) < 0 ||
	    (idx = av_find_best_stream(fc, AVMEDIA_TYPE_VIDEO, -1, -1, &codec,
	    0)) < 0) {
		rc = mdec_fail("no video stream");
		goto out;
	}
	st = fc->streams[idx];
	if (st->duration != AV_NOPTS_VALUE)
		r.duration_ms = av_rescale_q(st->duration, st->time_base,
		    (AVRational){ 1, 1000 });
	else if (fc->duration != AV_NOPTS_VALUE)
		r.duration_ms = fc->duration / (AV_TIME_BASE / 1000);
	if ((cc = avcodec_alloc_context3(codec)) == NULL ||
	    avcodec_parameters_to_context(cc, st->codecpar) < 0) {
		rc = mdec_fail("codec parameters");
		goto out;
	}
	cc->thread_count = 1;
	if (avcodec_open2(cc, codec, NULL) < 0 || cc->width < 1 ||
	    cc->height < 1) {
		rc = mdec_fail("cannot open the decoder");
		goto out;
	}
	orient = mdec_orientation(st);
	if (r.duration_ms > MDEC_AT_MS) {
		at = av_rescale_q(MDEC_AT_MS, (AVRational){ 1, 1000 },
		    st->time_base);
		if (st->start_time != AV_NOPTS_VALUE)
			at += st->start_time;
		if (av_seek_frame(fc, idx, at, AVSEEK_FLAG_BACKWARD) < 0)
			at = 0;
	}
	if (mdec_frame(fc, cc, idx, at, f) == -1) {
		rc = mdec_fail("no frame decodes");
		goto out;
	}
	mproc_dims(f->width, f->height, orient, size, &r.width, &r.height,
	    &tw, &th);
	/* Scale first, on the stored axes, then turn upright. */
	sw = orient == 6 || orient == 8 ? th : tw;
	sh = orient == 6 || orient == 8 ? tw : th;
	rgb = xmalloc((size_t)sw * sh * 3);
	av_image_fill_arrays(dst, dstride, rgb, AV_PIX_FMT_RGB24, sw, sh, 1);
	if ((sws = sws_getContext(f->width, f->height, f->format, sw, sh,
	    AV_PIX_FMT_RGB24, SWS_AREA, NULL, NULL, NULL)) == NULL ||
	    sws_scale(sws, (const uint8_t *const *)f->data, f->linesize, 0,
	    f->height, dst, dstride) != sh) {
		rc = mdec_fail("cannot scale the frame");
		goto out;
	}
	up = mdec_rotate(rgb, sw, sh, orient);
	rc = mdec_finish(up, tw, th, &r);
out:
	free(up);
	free(rgb);
	sws_freeContext(sws);
	av_frame_free(&f);
	avcodec_free_context(&cc);
	avformat_close_input(&fc);
	return rc;
}

int
mdec_main(const char *argv0, const char *kind, int size)
{
	int	 rc;

	if (VIPS_INIT(argv0) != 0)
		return mdec_fail("vips_init");
	vips_concurrency_set(1);
	vips_cache_set_max(0);
	if (strcmp(kind, "image") == 0)
		rc = mdec_image(size);
	else if (strcmp(kind, "video") == 0)
		rc = mdec_video(size);
	else
		rc = mdec_fail("unknown kind");
	vips_shutdown();
	return rc;
}
