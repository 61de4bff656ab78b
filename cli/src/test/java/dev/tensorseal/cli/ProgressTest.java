package dev.tensorseal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress line: decimal units and GB/s, within the terminal's width, ending on 100%; silent when off. */
class ProgressTest {
    @Test
    void bytesAreShownInDecimalUnitsWithThreeDigits() {
        assertEquals("999 B", Progress.bytes(999));
        assertEquals("1.00 kB", Progress.bytes(1000));
        assertEquals("41.2 kB", Progress.bytes(41_200));
        assertEquals("412 MB", Progress.bytes(412_000_000));
        assertEquals("1.07 GB", Progress.bytes(1L << 30));
        assertEquals("1.00 MB", Progress.bytes(999_999), "rounding up carries into the next unit");
    }

    @Test
    void theLineSaysBytesOfTotalAndTheRate() {
        String line = Progress.line("open", 412_000_000, 1L << 30, 1_000_000_000L, 80);
        assertTrue(line.endsWith(" 412 MB of 1.07 GB, 0.41 GB/s"), line);
        assertTrue(line.startsWith("open  38% ["), line);
        assertEquals("upload 5.00 GB, 2.50 GB/s", Progress.line("upload", 5_000_000_000L, -1, 2_000_000_000L, 80));
    }

    @Test
    void theLineFitsEveryWidth() {
        for (int columns = 20; columns <= 200; columns++) {
            String line = Progress.line("verify", 412_000_000, 1L << 30, 1_000_000_000L, columns);
            assertTrue(line.length() <= columns - 1, columns + " columns: " + line.length() + " characters: " + line);
        }
        assertEquals(79, Progress.line("open", 1, 10, 1, 80).length(), "the bar takes the rest of the width");
    }

    @Test
    void whenTheWorkIsDoneTheLastLineIs100Percent() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Progress p = new Progress("open", 3_000_000, err, true, 60, 0)) {
            for (int i = 0; i < 3; i++) {
                p.accept(1_000_000);
            }
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        String last = out.substring(out.lastIndexOf('\r') + 1).strip();
        assertTrue(last.startsWith("open 100% [") && last.contains("3.00 MB of 3.00 MB"), out);
        assertTrue(out.endsWith(System.lineSeparator()), "the line is ended");
        for (String l : out.split("\r")) {
            assertTrue(l.strip().length() <= 59, "within 60 columns: " + l);
        }
    }

    @Test
    void offItPrintsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Progress p = new Progress("open", 10, new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 80, 0)) {
            p.accept(10);
            assertEquals(10, p.doneBytes());
        }
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream quiet = new ByteArrayOutputStream();
        try (Progress p = Progress.start("open", 10, true, new PrintStream(quiet, true, StandardCharsets.UTF_8))) {
            p.accept(10);
        }
        assertEquals("", quiet.toString(StandardCharsets.UTF_8), "--quiet");
    }
}
