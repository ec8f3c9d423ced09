//! The log sender records a masked phone and the text's length, never the number or the text.

use std::io;
use std::sync::{Arc, Mutex};

use jiuye_sms::{LogSender, OutgoingSms, SendReceipt, SmsSender};
use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn the_log_sender_logs_the_masked_phone_but_never_the_number_or_the_text() {
    let out = Captured::default();
    let subscriber = tracing_subscriber::fmt().with_writer(out.clone()).with_ansi(false).with_max_level(tracing::Level::TRACE).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sender: Arc<dyn SmsSender> = Arc::new(LogSender);
    let msg = OutgoingSms {
        outbox_id: 4711,
        phone: "13812345678".into(),
        text: "岗位推荐：宏达物业招聘保洁员。回复1感兴趣，2不感兴趣，TD退订".into(),
    };
    let receipt = sender.send(&msg).await.unwrap();

    assert_eq!(receipt, SendReceipt { provider_message_id: Some("local-4711".into()), accepted: true });
    assert_eq!(sender.name(), "log");
    let logged = out.text();
    assert!(logged.contains("138****5678"), "masked phone missing: {logged}");
    assert!(logged.contains("4711"), "outbox id missing: {logged}");
    assert!(logged.contains(&format!("text.chars={}", msg.text.chars().count())), "length missing: {logged}");
    assert!(!logged.contains("13812345678"), "full phone leaked: {logged}");
    assert!(!logged.contains("宏达") && !logged.contains("岗位推荐"), "text leaked: {logged}");
}

#[tokio::test]
async fn the_log_sender_does_not_log_the_text_in_json_output_either() {
    let out = Captured::default();
    let subscriber = tracing_subscriber::fmt().json().with_writer(out.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let msg = OutgoingSms { outbox_id: 1, phone: "19900001111".into(), text: "保密内容".into() };
    LogSender.send(&msg).await.unwrap();

    let logged = out.text();
    let line: serde_json::Value = serde_json::from_str(logged.lines().next().unwrap()).unwrap();
    assert_eq!(line["fields"]["phone.masked"], "199****1111", "{logged}");
    assert_eq!(line["fields"]["outbox.id"], 1, "{logged}");
    assert!(!logged.contains("19900001111") && !logged.contains("保密内容"), "{logged}");
}
