package dev.parley.functions.attachments;

import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.store.Attachment;
import dev.parley.functions.store.AttachmentStore;
import dev.parley.functions.store.ObjectStore;
import dev.parley.model.routes.Bucket;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * What happens when an upload lands (the bucket's object-created notification): the attachment is
 * marked uploaded, and an image that ImageIO can read (JPEG, PNG, GIF, BMP) gets a JPEG thumbnail
 * of at most {@value #MAX_EDGE} px on its longer edge under {@link Bucket#THUMBNAILS}.
 *
 * <p>Every upload is hostile: an image is decoded with source subsampling, so memory follows the
 * thumbnail's size, not the picture's; pictures over {@value #MAX_PIXELS} pixels or
 * {@value #MAX_IMAGE_BYTES} bytes, and anything that does not decode, get no thumbnail (the
 * attachment still works).
 */
public final class Thumbnails {
    public static final int MAX_EDGE = 320;
    static final long MAX_PIXELS = 100_000_000L;
    static final long MAX_IMAGE_BYTES = 25L * 1024 * 1024;

    static {
        ImageIO.setUseCache(false); // no temporary files: the stream is read once, in memory
    }

    private final AttachmentStore attachments;
    private final ObjectStore objects;

    public Thumbnails(AttachmentStore attachments, ObjectStore objects) {
        this.attachments = attachments;
        this.objects = objects;
    }

    /**
     * Handles one created object. Keys outside {@link Bucket#UPLOADS} and objects without a record
     * are ignored. A failing S3 or DynamoDB call throws, so the invocation is retried (S3 invokes
     * the function asynchronously; Lambda retries a failed asynchronous invocation twice).
     */
    public void objectCreated(String key, long size) {
        if (!key.startsWith(Bucket.UPLOADS)) {
            return;
        }
        String attachmentId = key.substring(Bucket.UPLOADS.length());
        Optional<Attachment> found = AttachmentRules.plausibleId(attachmentId) ? attachments.get(attachmentId) : Optional.empty();
        if (found.isEmpty()) {
            Telemetry.event("thumbnail").field("key", key).field("outcome", "no-record").emit(Telemetry.Level.WARN);
            return;
        }
        Attachment attachment = found.get();
        String thumbnailKey = null;
        if (attachment.contentType().startsWith("image/") && size <= MAX_IMAGE_BYTES) {
            byte[] thumbnail;
            try (InputStream content = objects.read(key)) {
                thumbnail = jpegThumbnail(content, MAX_EDGE);
            } catch (IOException unreadable) {
                throw new UncheckedIOException(unreadable);
            }
            if (thumbnail != null) {
                thumbnailKey = Bucket.thumbnailKey(attachmentId);
                objects.write(thumbnailKey, thumbnail, "image/jpeg");
            }
        }
        attachments.markUploaded(attachmentId, thumbnailKey);
        Telemetry.event("thumbnail").field("attachmentId", attachmentId)
                .field("outcome", thumbnailKey == null ? "uploaded" : "thumbnail").emit(Telemetry.Level.INFO);
    }

    /**
     * A JPEG of the image scaled to fit {@code maxEdge} (never enlarged), or null when the content
     * is no image ImageIO reads, or is too large to decode.
     */
    public static byte[] jpegThumbnail(InputStream content, int maxEdge) throws IOException {
        try (ImageInputStream input = ImageIO.createImageInputStream(content)) {
            if (input == null) {
                return null;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width <= 0 || height <= 0 || (long) width * height > MAX_PIXELS) {
                    return null;
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, Math.max(width, height) / (2 * maxEdge));
                param.setSourceSubsampling(step, step, 0, 0);
                BufferedImage image = reader.read(0, param);
                return jpeg(scaled(image, maxEdge));
            } catch (IOException | RuntimeException undecodable) {
                return null; // a broken or hostile image gets no thumbnail
            } finally {
                reader.dispose();
            }
        }
    }

    private static BufferedImage scaled(BufferedImage image, int maxEdge) {
        double scale = Math.min(1.0, (double) maxEdge / Math.max(image.getWidth(), image.getHeight()));
        int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage thumbnail = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = thumbnail.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            graphics.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            graphics.setColor(Color.WHITE); // JPEG has no alpha: transparent parts become white
            graphics.fillRect(0, 0, width, height);
            graphics.drawImage(image, 0, 0, width, height, null);
        } finally {
            graphics.dispose();
        }
        return thumbnail;
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "jpeg", out)) {
            throw new IOException("no JPEG writer");
        }
        return out.toByteArray();
    }
}
