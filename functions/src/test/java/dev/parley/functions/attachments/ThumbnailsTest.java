package dev.parley.functions.attachments;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ThumbnailsTest {
    private static byte[] png(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB), "png", out);
        return out.toByteArray();
    }

    private static BufferedImage decode(byte[] jpeg) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(jpeg));
    }

    @Test
    void aLandscapePictureShrinksTo320PixelsWideKeepingItsShape() throws IOException {
        BufferedImage thumbnail = decode(Thumbnails.jpegThumbnail(new ByteArrayInputStream(png(1600, 900)), 320));
        assertThat(thumbnail.getWidth()).isEqualTo(320);
        assertThat(thumbnail.getHeight()).isEqualTo(180);
    }

    @Test
    void aPortraitPictureShrinksTo320PixelsHigh() throws IOException {
        BufferedImage thumbnail = decode(Thumbnails.jpegThumbnail(new ByteArrayInputStream(png(600, 2400)), 320));
        assertThat(thumbnail.getHeight()).isEqualTo(320);
        assertThat(thumbnail.getWidth()).isEqualTo(80);
    }

    @Test
    void aSmallPictureIsNeverEnlarged() throws IOException {
        BufferedImage thumbnail = decode(Thumbnails.jpegThumbnail(new ByteArrayInputStream(png(100, 40)), 320));
        assertThat(thumbnail.getWidth()).isEqualTo(100);
        assertThat(thumbnail.getHeight()).isEqualTo(40);
    }

    @Test
    void contentThatIsNoImageGetsNoThumbnail() throws IOException {
        assertThat(Thumbnails.jpegThumbnail(new ByteArrayInputStream("%PDF-1.7 not a picture".getBytes(StandardCharsets.UTF_8)), 320))
                .isNull();
        byte[] truncated = png(400, 400);
        assertThat(Thumbnails.jpegThumbnail(new ByteArrayInputStream(java.util.Arrays.copyOf(truncated, 40)), 320)).isNull();
    }

    /** A few hundred bytes that claim 50,000 x 50,000 pixels: decoding it would need 10 GB. */
    @Test
    void aDecompressionBombIsNotDecoded() throws IOException {
        byte[] bomb = png(1, 1);
        // IHDR: length (4) and type (4) after the 8-byte signature, then width and height.
        ByteBuffer.wrap(bomb, 16, 8).putInt(50_000).putInt(50_000);
        CRC32 crc = new CRC32();
        crc.update(bomb, 12, 17); // chunk type and its 13 data bytes
        ByteBuffer.wrap(bomb, 29, 4).putInt((int) crc.getValue());
        assertThat(Thumbnails.jpegThumbnail(new ByteArrayInputStream(bomb), 320)).isNull();
    }
}
