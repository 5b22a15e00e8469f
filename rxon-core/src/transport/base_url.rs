//! The orchestrator's base URL, read once: scheme, host, port, and the path its endpoints hang
//! under (`http://host:8080/rxon` serves `/rxon/_worker/...`).

/// A parsed `http://` or `https://` base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BaseUrl {
    /// As given, without a trailing `/`.
    pub(super) text: String,
    pub(super) https: bool,
    /// `host[:port]` as written (the `Host` header).
    pub(super) authority: String,
    /// The host without IPv6 brackets.
    pub(super) host: String,
    pub(super) port: u16,
    /// The path before the endpoints (`""` for most).
    pub(super) path: String,
}

impl BaseUrl {
    /// Reads `url`, or says what is wrong with it.
    pub(super) fn parse(url: &str) -> Result<BaseUrl, String> {
        let text = url.trim_end_matches('/').to_string();
        let (scheme, rest) = text.split_once("://").ok_or_else(|| format!("no scheme in {url}"))?;
        let https = scheme.eq_ignore_ascii_case("https");
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..end];
        let authority = authority
            .rsplit_once('@')
            .map_or(authority, |(_, host)| host)
            .to_string();
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => (
                host.to_string(),
                port.parse::<u16>().map_err(|_| format!("bad port in {url}"))?,
            ),
            _ => (authority.clone(), if https { 443 } else { 80 }),
        };
        if host.is_empty() {
            return Err(format!("no host in {url}"));
        }
        let path = rest[end..]
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_string();
        Ok(BaseUrl {
            https,
            host: host.trim_start_matches('[').trim_end_matches(']').to_string(),
            authority,
            port,
            path,
            text,
        })
    }

    /// The WebSocket URL of `endpoint` (`ws://` or `wss://`).
    pub(super) fn websocket(&self, endpoint: &str) -> String {
        let scheme = if self.https { "wss" } else { "ws" };
        format!("{scheme}://{}{}{endpoint}", self.authority, self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_read_once() {
        let url = BaseUrl::parse("https://user@[::1]:8443/rxon/").unwrap();
        assert_eq!((url.https, url.host.as_str(), url.port), (true, "::1", 8443));
        assert_eq!((url.authority.as_str(), url.path.as_str()), ("[::1]:8443", "/rxon"));
        assert_eq!(url.websocket("/_worker/ws/w"), "wss://[::1]:8443/rxon/_worker/ws/w");
        let plain = BaseUrl::parse("http://127.0.0.1").unwrap();
        assert_eq!((plain.port, plain.path.as_str()), (80, ""));
        assert_eq!(plain.websocket("/x"), "ws://127.0.0.1/x");
        assert!(BaseUrl::parse("127.0.0.1:80").is_err());
        assert!(BaseUrl::parse("http://:80").is_err());
        assert!(BaseUrl::parse("http://h:port").is_err());
    }
}
