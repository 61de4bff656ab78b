package dev.tensorseal.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** The bench plot: seal/unseal GB/s against chunk size (left) and thread count (right), drawn headless. */
final class BenchPlot {
    private static final int W = 1000;
    private static final int H = 420;

    private BenchPlot() {}

    /** Written to a temporary file, then moved: no partial PNG. */
    static void write(Path png, List<BenchSweeps.Point> chunks, List<BenchSweeps.Point> threads, long sizeBytes)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        double max = 0.1;
        for (List<BenchSweeps.Point> l : List.of(chunks, threads)) {
            for (BenchSweeps.Point p : l) {
                max = Math.max(max, Math.max(p.sealGbps(), p.unsealGbps()));
            }
        }
        max = Math.ceil(max);
        panel(g, 60, "single thread, by chunk size (KiB, log scale)", chunks, true, max);
        panel(g, 560, "64 KiB chunks, by threads", threads, false, max);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(String.format(Locale.ROOT, "tensorseal bench: store seal (blue) / unseal into a view (red), GB/s, tensor %d MiB",
                Math.min(sizeBytes, 256L << 20) >> 20), 60, 20);
        g.dispose();
        Path dir = png.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".bench", ".png.tmp");
        try {
            ImageIO.write(img, "png", tmp.toFile());
            Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void panel(Graphics2D g, int x0, String title, List<BenchSweeps.Point> pts, boolean log, double max) {
        int w = 380;
        int top = 50;
        int h = 300;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(title, x0, top - 8);
        g.drawRect(x0, top, w, h);
        for (int i = 0; i <= (int) max; i++) {
            int y = top + h - (int) (h * i / max);
            g.setColor(Color.LIGHT_GRAY);
            g.drawLine(x0, y, x0 + w, y);
            g.setColor(Color.BLACK);
            g.drawString(Integer.toString(i), x0 - 20, y + 4);
        }
        if (pts.isEmpty()) {
            return;
        }
        double lo = xv(pts.get(0).x(), log);
        double hi = xv(pts.get(pts.size() - 1).x(), log);
        double span = hi > lo ? hi - lo : 1;
        for (int series = 1; series <= 2; series++) {
            g.setColor(series == 1 ? Color.BLUE : Color.RED);
            g.setStroke(new BasicStroke(2));
            int px = -1;
            int py = -1;
            for (BenchSweeps.Point p : pts) {
                int x = x0 + 10 + (int) ((w - 20) * (xv(p.x(), log) - lo) / span);
                int y = top + h - (int) (h * (series == 1 ? p.sealGbps() : p.unsealGbps()) / max);
                g.fillOval(x - 3, y - 3, 6, 6);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
        g.setColor(Color.BLACK);
        for (BenchSweeps.Point p : pts) {
            int x = x0 + 10 + (int) ((w - 20) * (xv(p.x(), log) - lo) / span);
            String label = log ? Long.toString((long) p.x() >> 10) : Long.toString((long) p.x());
            g.drawString(label, x - 8, top + h + 16);
        }
    }

    private static double xv(double x, boolean log) {
        return log ? Math.log(x) : x;
    }
}
