//! The reader of parsed JSON: a type's fields as its derived `Deserialize` reads them (a required field, an
//! `Option` field, a `#[serde(default)]` field), numbers of each width, uuids and lists.

use js_sys::{Array, JSON, Object, Reflect};
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};

/// A type read from parsed JSON as its derived `Deserialize` would.
pub trait FromJson: Sized {
    fn from_json(v: &JsValue) -> Option<Self>;
}

pub fn parse<T: FromJson>(text: &str) -> Option<T> {
    T::from_json(&JSON::parse(text).ok()?)
}

pub(super) type Read<T> = fn(&JsValue) -> Option<T>;

/// The fields of a JSON object.
pub(super) struct Obj<'a>(&'a JsValue);

pub(super) fn is_array(v: &JsValue) -> bool {
    Array::is_array(v)
}

pub(super) fn obj(v: &JsValue) -> Option<Obj<'_>> {
    (v.is_object() && !is_array(v)).then_some(Obj(v))
}

impl Obj<'_> {
    /// The field's value; `undefined` when absent.
    pub(super) fn get(&self, key: &str) -> JsValue {
        Reflect::get(self.0, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    /// A field that must be there.
    pub(super) fn req<T>(&self, key: &str, read: Read<T>) -> Option<T> {
        read(&self.get(key))
    }

    /// An `Option` field: absent or `null` is `None`.
    pub(super) fn opt<T>(&self, key: &str, read: Read<T>) -> Option<Option<T>> {
        let v = self.get(key);
        if v.is_undefined() || v.is_null() {
            Some(None)
        } else {
            read(&v).map(Some)
        }
    }

    /// A `#[serde(default)]` field: absent is the default.
    pub(super) fn or_default<T: Default>(&self, key: &str, read: Read<T>) -> Option<T> {
        let v = self.get(key);
        if v.is_undefined() {
            Some(T::default())
        } else {
            read(&v)
        }
    }

    pub(super) fn string(&self, key: &str) -> Option<String> {
        self.get(key).as_string()
    }

    pub(super) fn uuid(&self, key: &str) -> Option<Uuid> {
        uuid(&self.get(key))
    }

    /// Every `(key, value)`.
    pub(super) fn entries(&self) -> Vec<(String, JsValue)> {
        Object::keys(self.0.unchecked_ref::<Object>())
            .iter()
            .filter_map(|k| Some((k.as_string()?, Reflect::get(self.0, &k).ok()?)))
            .collect()
    }
}

pub(super) fn string(v: &JsValue) -> Option<String> {
    v.as_string()
}

pub(super) fn boolean(v: &JsValue) -> Option<bool> {
    v.as_bool()
}

pub(super) fn number(v: &JsValue) -> Option<f64> {
    v.as_f64()
}

/// A whole number `0..=max`.
fn whole(v: &JsValue, max: u32) -> Option<u32> {
    let n = v.as_f64()?;
    (n >= 0.0 && n <= f64::from(max) && n.fract() == 0.0).then_some(n as u32)
}

pub(super) fn uint32(v: &JsValue) -> Option<u32> {
    whole(v, u32::MAX)
}

pub(super) fn uint8(v: &JsValue) -> Option<u8> {
    whole(v, 255).map(|n| n as u8)
}

pub(super) fn uuid(v: &JsValue) -> Option<Uuid> {
    Uuid::parse_str(&v.as_string()?).ok()
}

pub(super) fn list<T>(v: &JsValue, read: Read<T>) -> Option<Vec<T>> {
    if !is_array(v) {
        return None;
    }
    let a: &Array = v.unchecked_ref();
    let mut out = Vec::with_capacity(a.length() as usize);
    for item in a.iter() {
        out.push(read(&item)?);
    }
    Some(out)
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &JsValue) -> Option<Self> {
        list(v, T::from_json)
    }
}

impl FromJson for String {
    fn from_json(v: &JsValue) -> Option<Self> {
        v.as_string()
    }
}

/// `FromJson` for types read by a function of this module's kind (`fn(&JsValue) -> Option<T>`).
macro_rules! from_json {
    ($($ty:ty => $read:path),* $(,)?) => {$(
        impl $crate::services::json::FromJson for $ty {
            fn from_json(v: &wasm_bindgen::JsValue) -> Option<Self> {
                $read(v)
            }
        }
    )*};
}

pub(super) use from_json;
