package dev.tensorseal.s3;

import dev.tensorseal.UnsupportedParameterException;
import java.net.URI;

/** {@code s3://bucket/key}, checked: a bucket and a non-empty key, no query (credentials never travel in the URI). */
record S3Location(String bucket, String key) {
    static S3Location of(URI uri) {
        String bucket = uri.getHost();
        String path = uri.getPath();
        if (bucket == null || path == null || path.length() < 2 || uri.getRawQuery() != null || uri.getUserInfo() != null) {
            throw new UnsupportedParameterException("an S3 URI is s3://bucket/key with no user info or query, not "
                    + uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath());
        }
        return new S3Location(bucket, path.substring(1));
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
