package dev.tensorseal.nativebridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/** Native files packaged as class-path resources by build-native.sh. */
final class BundledResources {
    static final String CUDA_DIR = "/dev/tensorseal/nativebridge/cuda/";
    static final String HOST_LIBRARY = "libtensorseal_gcm_host.so";
    static final String CPU_GCM_LIBRARY = "libtensorseal_aesgcm.so";
    static final String KEY_WRAP_LIBRARY = "libtensorseal_keywrap.so";

    private BundledResources() {}

    static String platform() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        arch = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return System.getProperty("os.name").toLowerCase(Locale.ROOT).replace(' ', '-') + "-" + arch;
    }

    static String libraryResource(String fileName) {
        return "/dev/tensorseal/nativebridge/native/" + platform() + "/" + fileName;
    }

    /** The host GCM library as a file: used in place from target/classes, else extracted once. */
    static Optional<Path> hostLibrary() {
        return library(HOST_LIBRARY);
    }

    /** A packaged native library as a file: used in place from target/classes, else extracted once. */
    static Optional<Path> library(String fileName) {
        URL url = BundledResources.class.getResource(libraryResource(fileName));
        if (url == null) {
            return Optional.empty();
        }
        try {
            if (url.getProtocol().equals("file")) {
                return Optional.of(Path.of(url.toURI()));
            }
            Path dir = Files.createTempDirectory("tensorseal-native");
            Path file = dir.resolve(fileName);
            try (InputStream in = url.openStream()) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return Optional.of(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + fileName, e);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    static Optional<byte[]> read(String resource) {
        try (InputStream in = BundledResources.class.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + resource, e);
        }
    }
}
