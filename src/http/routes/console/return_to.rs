//! Where sign-in returns to: the page a signed-out browser asked for (a link in an alert's
//! notification, say), carried as `?next=` through the sign-in form. Only a path of this
//! console is taken, so the form cannot be used to send someone elsewhere (no open redirect).

/// The longest path taken.
const MOST_BYTES: usize = 2_048;

/// `next` if it is a path of this server (`/projects/…`), else `None`.
pub fn safe_return(next: &str) -> Option<&str> {
    let path = next.split(['?', '#']).next().unwrap_or("");
    let is_local = next.starts_with('/')
        && !next.starts_with("//")
        && !path.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace())
        && next.len() <= MOST_BYTES
        && !path.starts_with("/sign-in")
        && !path.starts_with("/sign-out");
    is_local.then_some(next)
}

/// The sign-in page that returns to `path_and_query` (`/sign-in` alone when it is not one to
/// return to); `ended` says why the last session ended, if it did.
pub fn sign_in_returning(path_and_query: &str, ended: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if !ended.is_empty() {
        query.append_pair("ended", ended);
    }
    if let Some(next) = safe_return(path_and_query).filter(|next| *next != "/") {
        query.append_pair("next", next);
    }
    let query = query.finish();
    if query.is_empty() { "/sign-in".to_owned() } else { format!("/sign-in?{query}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_server_are_returned_to() {
        assert_eq!(safe_return("/projects/5f01/alerts/5f02?x=1"), Some("/projects/5f01/alerts/5f02?x=1"));
        for elsewhere in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "evil.example",
            "/projects\r\nLocation: x",
            "/sign-in?next=/",
            "",
        ] {
            assert_eq!(safe_return(elsewhere), None, "{elsewhere:?}");
        }
        assert_eq!(safe_return(&format!("/{}", "a".repeat(3_000))), None);
    }

    #[test]
    fn the_sign_in_link_carries_the_way_back() {
        assert_eq!(
            sign_in_returning("/projects/5f01/alerts", ""),
            "/sign-in?next=%2Fprojects%2F5f01%2Falerts"
        );
        assert_eq!(sign_in_returning("/", "expired"), "/sign-in?ended=expired");
        assert_eq!(sign_in_returning("//evil.example", ""), "/sign-in");
    }
}
