//! The built web client (Trunk's dist/), loaded once per process and precompressed (brotli and gzip).
//! Hashed file names (`name-<hex>.ext`) are cached as immutable; HTML documents are revalidated, each with
//! the Content-Security-Policy of its own inline scripts. Two apps: the respondent's (`index.html`) and the
//! console (`console/index.html`, its files under `console/`). Any path that is not a file and has no
//! extension gets its app's document (SPA fallback) so client routes work on reload: `/console` and
//! `/console/...` the console's, everything else the respondent's.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::Context;
use bytes::Bytes;
use warp::http::StatusCode;
use warp::http::header::{CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, HeaderValue, VARY};
use warp::reply::Response;

pub struct Asset {
    pub content_type: &'static str,
    /// For HTML documents: the Content-Security-Policy allowing exactly this page's inline scripts.
    pub csp: Option<String>,
    pub raw: Bytes,
    pub gzip: Option<Bytes>,
    pub brotli: Option<Bytes>,
    pub etag: String,
    pub immutable: bool,
}

/// The console's document, for `/console` and the extension-less paths under it.
const CONSOLE_INDEX: &str = "console/index.html";

#[derive(Default)]
pub struct Assets {
    files: HashMap<String, Asset>,
}

impl Assets {
    /// Loads `dir`, sharing one copy per directory within the process (compression costs a second or two).
    /// A missing directory gives an empty set: the API works and pages say the client is not built.
    pub fn load(dir: &Path) -> anyhow::Result<Arc<Assets>> {
        static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<Assets>>>> = OnceLock::new();
        let key = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        // Held while loading: servers starting together in one process compress the client once.
        let mut cache = CACHE
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(found) = cache.get(&key) {
            return Ok(found.clone());
        }
        let mut assets = Assets::default();
        if dir.is_dir() {
            assets.read_dir(dir, dir)?;
        } else {
            tracing::warn!(dir = %dir.display(), "web client not built: pages are unavailable");
        }
        let assets = Arc::new(assets);
        cache.insert(key, assets.clone());
        Ok(assets)
    }

    fn read_dir(&mut self, root: &Path, dir: &Path) -> anyhow::Result<()> {
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                self.read_dir(root, &path)?;
                continue;
            }
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let raw =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            self.files.insert(rel.clone(), Asset::new(&rel, raw));
        }
        Ok(())
    }

    pub fn is_built(&self) -> bool {
        self.files.contains_key("index.html")
    }

    pub fn console_built(&self) -> bool {
        self.files.contains_key(CONSOLE_INDEX)
    }

    pub fn file_names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The asset for a request path: the file itself, or for an extension-less path its app's document
    /// (`console/index.html` under `/console`, `index.html` elsewhere).
    pub fn lookup(&self, path: &str) -> Option<&Asset> {
        let rel = path.trim_start_matches('/');
        if let Some(asset) = self.files.get(rel) {
            return Some(asset);
        }
        let last = rel.rsplit('/').next().unwrap_or("");
        if last.contains('.') {
            None
        } else if is_console(path) {
            self.files.get(CONSOLE_INDEX)
        } else {
            self.files.get("index.html")
        }
    }
}

/// `/console` and the paths under it belong to the console.
pub fn is_console(path: &str) -> bool {
    path.strip_prefix("/console")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

impl Asset {
    fn new(name: &str, raw: Vec<u8>) -> Asset {
        let content_type = content_type(name);
        let compressible = raw.len() > 256
            && (content_type.starts_with("text/")
                || content_type.contains("javascript")
                || content_type.contains("json")
                || content_type.contains("wasm")
                || content_type.contains("svg"));
        let crc = {
            let mut crc = flate2::Crc::new();
            crc.update(&raw);
            crc.sum()
        };
        let (gzip, brotli) = if compressible {
            (Some(gzip(&raw)), Some(brotli(&raw)))
        } else {
            (None, None)
        };
        let csp = content_type
            .starts_with("text/html")
            .then(|| content_security_policy(&String::from_utf8_lossy(&raw)));
        Asset {
            content_type,
            csp,
            etag: format!("\"{:08x}-{:x}\"", crc, raw.len()),
            immutable: is_hashed(name),
            raw: Bytes::from(raw),
            gzip,
            brotli,
        }
    }

    /// The response for a GET, honouring `Accept-Encoding` and `If-None-Match`.
    pub fn reply(&self, accept_encoding: Option<&str>, if_none_match: Option<&str>) -> Response {
        let cache = if self.immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        let mut builder = warp::http::Response::builder()
            .header(ETAG, &self.etag)
            .header(CACHE_CONTROL, cache)
            .header(VARY, "Accept-Encoding");
        if if_none_match.is_some_and(|tags| tags.split(',').any(|t| t.trim() == self.etag)) {
            return builder
                .status(StatusCode::NOT_MODIFIED)
                .body(Bytes::new().into())
                .unwrap_or_default();
        }
        let accepts = |coding: &str| {
            accept_encoding.is_some_and(|header| {
                header.split(',').any(|part| {
                    let mut pieces = part.split(';');
                    let name = pieces.next().unwrap_or("").trim();
                    let refused = pieces.any(|p| p.trim().replace(' ', "") == "q=0");
                    name.eq_ignore_ascii_case(coding) && !refused
                })
            })
        };
        let body = match (&self.brotli, &self.gzip) {
            (Some(br), _) if accepts("br") => {
                builder = builder.header(CONTENT_ENCODING, HeaderValue::from_static("br"));
                br.clone()
            }
            (_, Some(gz)) if accepts("gzip") => {
                builder = builder.header(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                gz.clone()
            }
            _ => self.raw.clone(),
        };
        if let Some(csp) = &self.csp {
            builder = builder.header("content-security-policy", csp);
        }
        builder
            .header(CONTENT_TYPE, self.content_type)
            .body(body.into())
            .unwrap_or_default()
    }
}

/// The page may run its own scripts and wasm, and the inline scripts it contains (Trunk's loader), by hash;
/// it talks only to its own origin and may not be framed.
fn content_security_policy(html: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let mut hashes = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            let body = &after[body_start..body_start + close];
            let digest = Sha256::digest(body.as_bytes());
            hashes.push_str(&format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &after[body_start + close..];
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

fn gzip(raw: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(raw).expect("writing to memory");
    Bytes::from(encoder.finish().expect("writing to memory"))
}

fn brotli(raw: &[u8]) -> Bytes {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(raw).expect("writing to memory");
    }
    Bytes::from(out)
}

/// Trunk names hashed assets `stem-<hash>.ext`, the hash a u64 in hex without leading zeros.
fn is_hashed(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (8..=16).contains(&hash.len()) && hash.chars().all(|c| c.is_ascii_hexdigit())
    })
}

fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_trunk_hashes() {
        assert!(is_hashed("web-client-0a1b2c3d4e5f6789_bg.wasm"));
        assert!(is_hashed("web-client-0a1b2c3d4e5f6789.js"));
        assert!(is_hashed("styles-0123456789abcdef.css"));
        assert!(is_hashed("web-client-d8c2684a52154e1_bg.wasm"));
        assert!(!is_hashed("index.html"));
    }

    #[test]
    fn csp_allows_exactly_the_inline_scripts() {
        let html = "<html><script type=module>import init from '/a.js';</script><script src=/b.js></script></html>";
        let csp = content_security_policy(html);
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert_eq!(csp.matches("'sha256-").count(), 1, "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn client_routes_fall_back_to_their_apps_document() {
        let mut assets = Assets::default();
        for (name, body) in [
            ("index.html", "<html>respondent<script>a()</script></html>"),
            ("web-client-0a1b2c3d4e5f6789.js", "respondent js"),
            (CONSOLE_INDEX, "<html>console<script>b()</script></html>"),
            ("console/serap-console-0a1b2c3d4e5f6789.js", "console js"),
        ] {
            assets
                .files
                .insert(name.to_string(), Asset::new(name, body.as_bytes().to_vec()));
        }
        let body = |path: &str| assets.lookup(path).map(|a| a.raw.clone());
        for path in ["/", "/f/skm-2026", "/s/token", "/consoles", "/dashboard"] {
            assert_eq!(body(path), body("/index.html"), "{path}");
        }
        for path in [
            "/console",
            "/console/",
            "/console/login",
            "/console/waves/skm-2026",
        ] {
            assert_eq!(body(path), body("/console/index.html"), "{path}");
        }
        assert!(body("/console/serap-console-0a1b2c3d4e5f6789.js").is_some());
        assert!(body("/console/missing.js").is_none());
        assert!(body("/missing.css").is_none());
        // Each document carries the policy of its own inline scripts.
        let csp = |path: &str| assets.lookup(path).and_then(|a| a.csp.clone());
        assert!(csp("/").is_some() && csp("/console/login").is_some());
        assert_ne!(csp("/"), csp("/console/login"));
        assert!(csp("/console/serap-console-0a1b2c3d4e5f6789.js").is_none());
    }

    #[test]
    fn negotiates_encoding_and_etag() {
        let asset = Asset::new("app.js", "console.log('serap');\n".repeat(40).into_bytes());
        let br = asset.reply(Some("gzip, deflate, br"), None);
        assert_eq!(br.headers()[CONTENT_ENCODING], "br");
        let gz = asset.reply(Some("gzip"), None);
        assert_eq!(gz.headers()[CONTENT_ENCODING], "gzip");
        let plain = asset.reply(Some("br;q=0"), None);
        assert!(plain.headers().get(CONTENT_ENCODING).is_none());
        let cached = asset.reply(None, Some(&asset.etag));
        assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    }
}
