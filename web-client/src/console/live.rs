//! Live notices of a wave (`GET /api/v1/waves/{slug}/live`, Server-Sent Events) through the browser's
//! `EventSource` (same origin: the session cookie goes along). Bound here rather than through web-sys so
//! the respondent's bundle and its feature list stay as they are.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    type EventSource;

    #[wasm_bindgen(constructor, catch)]
    fn new(url: &str) -> Result<EventSource, JsValue>;

    #[wasm_bindgen(method)]
    fn close(this: &EventSource);

    #[wasm_bindgen(method, js_name = addEventListener)]
    fn add_event_listener(this: &EventSource, kind: &str, listener: &js_sys::Function);
}

/// What the stream says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Connected (also after a reconnection).
    Ready,
    /// New responses were counted.
    Updated,
    /// The connection dropped; the browser retries by itself.
    Lost,
}

/// An open stream; closed when dropped (leaving the page).
pub struct Live {
    source: EventSource,
    _listeners: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl Live {
    /// Opens the stream; `None` where the browser has no `EventSource`.
    pub fn open(url: &str, on: impl Fn(Notice) + 'static) -> Option<Live> {
        let supported = web_sys::window()
            .and_then(|w| js_sys::Reflect::has(&w, &JsValue::from_str("EventSource")).ok())
            .unwrap_or(false);
        if !supported {
            return None;
        }
        let source = EventSource::new(url).ok()?;
        let on = std::rc::Rc::new(on);
        let mut listeners = Vec::new();
        for (kind, notice) in [
            ("ready", Notice::Ready),
            ("updated", Notice::Updated),
            ("error", Notice::Lost),
        ] {
            let on = on.clone();
            let listener = Closure::<dyn FnMut(JsValue)>::new(move |_| on(notice));
            source.add_event_listener(kind, listener.as_ref().unchecked_ref());
            listeners.push(listener);
        }
        Some(Live {
            source,
            _listeners: listeners,
        })
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.source.close();
    }
}
