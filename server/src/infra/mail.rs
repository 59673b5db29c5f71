//! Mail transports (docs/design.md invariant 7 sends through these from the outbox): SMTP with lettre, or .eml files
//! in `<data dir>/outbox` for the embedded default. Both produce the same MIME message.

use std::path::PathBuf;

use anyhow::Context;
use async_trait::async_trait;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// A message ready to send: plain text and HTML alternatives of the same content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// `<unique@host>`; fixed when the message is queued so every retry carries the same id.
    pub message_id: String,
    /// Extra headers such as `List-Unsubscribe`.
    pub headers: Vec<(String, String)>,
}

impl Email {
    /// Renders the MIME message.
    pub fn to_message(&self, from: &Mailbox) -> anyhow::Result<Message> {
        let to: Mailbox = self
            .to
            .parse()
            .with_context(|| format!("invalid recipient {:?}", self.to))?;
        let mut builder = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(self.subject.clone())
            .message_id(Some(self.message_id.clone()))
            .date_now();
        for (name, value) in &self.headers {
            let name = HeaderName::new_from_ascii(name.clone())
                .map_err(|_| anyhow::anyhow!("invalid header name {name:?}"))?;
            builder = builder.raw_header(HeaderValue::new(name, value.clone()));
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                self.text.clone(),
                self.html.clone(),
            ))
            .context("building MIME message")
    }
}

#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, email: &Email) -> anyhow::Result<()>;
    /// `smtp` or `file`.
    fn kind(&self) -> &'static str;
}

/// SMTP connections kept open per instance: one per concurrent send of the outbox dispatcher.
pub const SMTP_CONNECTIONS: u32 = crate::infra::outbox::CONCURRENT_SENDS as u32;

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    pub fn new(url: &str, from: Mailbox) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("SERAP_SMTP_URL")?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .pool_config(PoolConfig::new().max_size(SMTP_CONNECTIONS))
            .build();
        Ok(SmtpMailer { transport, from })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: &Email) -> anyhow::Result<()> {
        let message = email.to_message(&self.from)?;
        self.transport
            .send(message)
            .await
            .context("SMTP delivery")?;
        Ok(())
    }

    fn kind(&self) -> &'static str {
        "smtp"
    }
}

/// Writes each message as `<dir>/<utc time>-<message id>.eml`, atomically (temp file, then rename).
pub struct FileMailer {
    dir: PathBuf,
    from: Mailbox,
}

impl FileMailer {
    pub fn new(dir: PathBuf, from: Mailbox) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("creating outbox dir {}", dir.display()))?;
        Ok(FileMailer { dir, from })
    }
}

#[async_trait]
impl Mailer for FileMailer {
    async fn send(&self, email: &Email) -> anyhow::Result<()> {
        let bytes = email.to_message(&self.from)?.formatted();
        let stem: String = email
            .message_id
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let name = format!(
            "{}-{}.eml",
            chrono::Utc::now().format("%Y%m%dT%H%M%S"),
            stem.trim_matches('_')
        );
        let tmp = self.dir.join(format!(".{name}.tmp"));
        tokio::fs::write(&tmp, bytes)
            .await
            .with_context(|| format!("writing {}", tmp.display()))?;
        tokio::fs::rename(&tmp, self.dir.join(&name))
            .await
            .context("moving .eml into the outbox")?;
        Ok(())
    }

    fn kind(&self) -> &'static str {
        "file"
    }
}

/// Escapes text for HTML email bodies.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
