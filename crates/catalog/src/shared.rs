//! [`Shared`]: a value behind a reference count that clones in O(1) and copies itself on the
//! first write (`Arc::make_mut`).
//!
//! The catalog's persistent maps copy a whole B-tree node (up to 64 entries) when a snapshot's
//! entry is changed; with the relations stored inline that deep-copied every table's columns,
//! constraints, triggers... of the node for each statement that touched one relation. Behind a
//! `Shared` a node copy is a reference-count increment per entry, and only the relation that
//! changes is copied. Serde, `Debug` and comparisons see the value itself.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

#[derive(Default)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared(Arc::new(value))
    }
}

impl<T: Clone> Shared<T> {
    /// The value, copied only when another handle still shares it.
    pub fn into_inner(self) -> T {
        Arc::unwrap_or_clone(self.0)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Copy on write: the value is copied first when another handle (a snapshot) shares it.
impl<T: Clone> DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared::new(value)
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl<T: Eq> Eq for Shared<T> {}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Shared<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Shared::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_copy_only_a_shared_value() {
        let mut a = Shared::new(vec![1, 2]);
        let b = a.clone();
        a.push(3);
        assert_eq!(*a, vec![1, 2, 3]);
        assert_eq!(*b, vec![1, 2]);
        let p = Arc::as_ptr(&a.0);
        a.push(4);
        assert_eq!(Arc::as_ptr(&a.0), p, "a unique value is written in place");
        assert_eq!(serde_json::to_string(&a).unwrap(), "[1,2,3,4]");
        assert_eq!(format!("{b:?}"), "[1, 2]");
    }
}
