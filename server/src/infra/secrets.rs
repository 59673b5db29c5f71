//! Generated secrets: a value given in the environment wins; otherwise one is read from, or generated once
//! into, a file of the data directory readable only by its owner, so that every restart (and every
//! instance sharing the directory) uses the same one.

use std::path::Path;

use anyhow::Context;
use secrecy::SecretString;

/// `given`, or the trimmed contents of `<dir>/<file>`, or 64 random hex characters written there.
pub fn read_or_generate(
    given: Option<&SecretString>,
    dir: &Path,
    file: &str,
) -> anyhow::Result<SecretString> {
    if let Some(value) = given {
        return Ok(value.clone());
    }
    let path = dir.join(file);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if !existing.is_empty() {
            return Ok(existing.into());
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let value = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    write_private(&path, &value).with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated {file}");
    Ok(value.into())
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn generated_once_then_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let first = read_or_generate(None, dir.path(), "secret").unwrap();
        assert_eq!(first.expose_secret().len(), 64);
        let again = read_or_generate(None, dir.path(), "secret").unwrap();
        assert_eq!(first.expose_secret(), again.expose_secret());
        let given: SecretString = "from-the-environment".into();
        let chosen = read_or_generate(Some(&given), dir.path(), "secret").unwrap();
        assert_eq!(chosen.expose_secret(), "from-the-environment");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secret"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
