//! What the app reads from the page's own address: where the signalling
//! socket is, which page to show, and the PIN and link key a link carries.

/// The page a path shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `/` and anything unknown: the customer's "enter your code" page, so
    /// a mistyped link still lands somewhere useful.
    Customer,
    /// `/console` and below.
    Console,
}

impl Page {
    pub fn from_path(path: &str) -> Page {
        let path = path.trim_end_matches('/');
        if path == "/console" || path.starts_with("/console/") {
            Page::Console
        } else {
            Page::Customer
        }
    }
}

/// The signalling socket's URL on the page's own host; `wss:` when the page
/// came over HTTPS, since browsers refuse plain sockets from secure pages.
pub fn socket_url(page_protocol: &str, host: &str) -> String {
    let scheme = if page_protocol == "https:" {
        "wss"
    } else {
        "ws"
    };
    format!("{scheme}://{host}/ws")
}

/// The PIN from `?code=123456`, as typed in the link (the form checks it).
pub fn code_from_query(search: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "code")
        .map(|(_, value)| value.replace('+', " ").replace("%20", " "))
        .filter(|value| !value.trim().is_empty())
}

/// The secret half of a customer link, `&key=…`: 32 hex digits. With it
/// the server lets the customer in even while strangers are guessing PINs.
/// Anything else is ignored (the PIN alone still works).
pub fn key_from_query(search: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "key")
        .map(|(_, value)| value.to_owned())
        .filter(|value| (16..=64).contains(&value.len()))
        .filter(|value| value.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_by_path() {
        assert_eq!(Page::from_path("/"), Page::Customer);
        assert_eq!(Page::from_path("/console"), Page::Console);
        assert_eq!(Page::from_path("/console/"), Page::Console);
        assert_eq!(Page::from_path("/consoles"), Page::Customer);
        assert_eq!(Page::from_path("/anything"), Page::Customer);
    }

    #[test]
    fn socket_follows_the_page_scheme() {
        assert_eq!(
            socket_url("http:", "127.0.0.1:8080"),
            "ws://127.0.0.1:8080/ws"
        );
        assert_eq!(
            socket_url("https:", "help.example"),
            "wss://help.example/ws"
        );
    }

    #[test]
    fn code_prefill() {
        assert_eq!(code_from_query("?code=123456").as_deref(), Some("123456"));
        assert_eq!(
            code_from_query("?x=1&code=123+456").as_deref(),
            Some("123 456")
        );
        assert_eq!(code_from_query("?code="), None);
        assert_eq!(code_from_query(""), None);
    }

    #[test]
    fn link_key() {
        let key = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            key_from_query(&format!("?code=123456&key={key}")).as_deref(),
            Some(key)
        );
        assert_eq!(key_from_query("?code=123456"), None);
        assert_eq!(key_from_query("?key=<script>"), None);
        assert_eq!(key_from_query("?key=abc"), None);
    }
}
