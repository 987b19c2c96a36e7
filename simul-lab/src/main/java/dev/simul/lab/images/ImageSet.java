package dev.simul.lab.images;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The images the seed 003 experiment downloads: {@code count} distinct PNGs, the same bytes on every run (image
 * {@code i} is drawn from a random generator seeded with {@code i}), each with its SHA-256 so a client can verify
 * every byte. Encoded here (a few dozen lines of PNG) rather than with ImageIO: no AWT, and fast enough to make
 * thousands at start-up.
 */
public final class ImageSet {

    /** The most images a set may hold. */
    public static final int MAX_IMAGES = 100_000;

    private final byte[][] pngs;
    private final String[] sha256;

    /** Makes {@code count} images of {@code side} x {@code side} pixels. */
    public ImageSet(int count, int side) {
        if (count < 1 || count > MAX_IMAGES) {
            throw new IllegalArgumentException("images must be between 1 and " + MAX_IMAGES + ", got " + count);
        }
        if (side < 1 || side > 4096) {
            throw new IllegalArgumentException("image side must be between 1 and 4096, got " + side);
        }
        pngs = new byte[count][];
        sha256 = new String[count];
        for (int i = 0; i < count; i++) {
            pngs[i] = png(i, side);
            sha256[i] = sha256(pngs[i]);
        }
    }

    /**
     * An upper bound on the bytes a set of {@code count} images of {@code side} pixels holds: the raw pixels, plus
     * deflate's few bytes per block when noise does not compress, plus the PNG chunks.
     */
    public static long maxBytes(int count, int side) {
        long raw = (long) side * (1 + 3L * side);
        return count * (raw + raw / 1000 + 128);
    }

    /** How many images. */
    public int count() {
        return pngs.length;
    }

    /** Image {@code i}'s PNG bytes (shared: do not modify). */
    public byte[] png(int i) {
        return pngs[i];
    }

    /** Image {@code i}'s SHA-256, in hex. */
    public String sha256(int i) {
        return sha256[i];
    }

    /** The total size of all images, in bytes. */
    public long totalBytes() {
        long total = 0;
        for (byte[] png : pngs) {
            total += png.length;
        }
        return total;
    }

    /** The SHA-256 of {@code bytes}, in hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Image {@code index}: smooth colour bands (so it compresses like a picture) with noise seeded by the index. */
    static byte[] png(int index, int side) {
        SplittableRandom random = new SplittableRandom(index);
        int hue = random.nextInt(256);
        byte[] raw = new byte[side * (1 + 3 * side)];
        int at = 0;
        for (int y = 0; y < side; y++) {
            raw[at++] = 0; // filter: none
            for (int x = 0; x < side; x++) {
                int noise = random.nextInt(32);
                raw[at++] = (byte) (hue + x + noise);
                raw[at++] = (byte) (y * 2 + noise);
                raw[at++] = (byte) (hue ^ (x * y) + noise);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2);
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(side).putInt(side)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array()); // 8-bit RGB
        chunk(out, "IDAT", deflate(raw));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
            byte[] buffer = new byte[16 * 1024];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
