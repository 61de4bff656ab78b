package dev.tensorseal.nativebridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PositionalFileTest {
    @TempDir Path dir;

    private static PositionalFile open(Path p) throws IOException {
        return PositionalFile.open(p).orElseThrow(() -> new AssertionError("the FFM binding runs in the test JVM"));
    }

    @Test
    void readsExactlyTheBytesAtAnOffsetAndFewerOnlyWhereTheFileEnds() throws IOException {
        byte[] data = new byte[100_000];
        new Random(1).nextBytes(data);
        Path f = dir.resolve("f");
        Files.write(f, data);
        try (PositionalFile file = open(f); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4096);
            assertEquals(4096, file.read(12_345, buf));
            assertArrayEquals(Arrays.copyOfRange(data, 12_345, 12_345 + 4096), buf.toArray(ValueLayout.JAVA_BYTE));
            assertEquals(100_000 - 98_000, file.read(98_000, buf), "a short read where the file ends");
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.truncate(50_000);
            }
            assertEquals(0, file.read(60_000, buf), "past the end of a truncated file: nothing, no fault");
        }
    }

    @Test
    void theFileStaysTheOneOpenedWhenItsPathIsRenamedOver() throws IOException {
        Path f = dir.resolve("f");
        Files.write(f, new byte[] {1, 2, 3, 4});
        try (PositionalFile file = open(f); Arena arena = Arena.ofConfined()) {
            Path other = dir.resolve("g");
            Files.write(other, new byte[] {9, 9, 9, 9});
            Files.move(other, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            MemorySegment buf = arena.allocate(4);
            file.read(0, buf);
            assertArrayEquals(new byte[] {1, 2, 3, 4}, buf.toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(new byte[] {1, 2, 3, 4}, Files.readAllBytes(file.path()), "path() names the open file");
        }
    }

    @Test
    void errorsAreTheJdksAndAClosedFileRefusesReads() throws IOException {
        assertThrows(NoSuchFileException.class, () -> PositionalFile.open(dir.resolve("missing")));
        Path f = dir.resolve("f");
        Files.write(f, new byte[8]);
        PositionalFile file = open(f);
        file.close();
        file.close(); // idempotent
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(8);
            assertThrows(IllegalStateException.class, () -> file.read(0, buf));
        }
        try (PositionalFile again = open(f)) {
            assertThrows(IllegalArgumentException.class, () -> again.read(0, MemorySegment.ofArray(new byte[8])));
        }
    }
}
