//! The query parameters every operation shares (`pretty`, `envelope`) and those of the
//! operations that answer a list (`pageNum`, `itemsPerPage`, `includeCount`).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::error::ApiError;

/// Output switches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    /// `pretty=true`: pretty-print the body.
    pub pretty: bool,
    /// `envelope=true`: status in the body, HTTP 200.
    pub envelope: bool,
}

/// Which page of a list to answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// 1-based page number.
    pub page_num: usize,
    /// Items per page, 1 to 500.
    pub items_per_page: usize,
    /// Whether to include `totalCount`.
    pub include_count: bool,
}

impl Default for Page {
    fn default() -> Self {
        Page { page_num: 1, items_per_page: 100, include_count: true }
    }
}

fn pairs(query: Option<&str>) -> impl Iterator<Item = (String, String)> + '_ {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned()))
}

fn flag(name: &str, value: &str) -> Result<bool, ApiError> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ApiError::invalid_query_parameter(name, "expected true or false")),
    }
}

fn whole_number(name: &str, value: &str, min: usize, max: usize) -> Result<usize, ApiError> {
    let rule = match max {
        usize::MAX => format!("expected a whole number of at least {min}"),
        _ => format!("expected a whole number from {min} to {max}"),
    };
    match value.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::invalid_query_parameter(name, &rule)),
    }
}

impl Flags {
    /// Parses the switches, refusing values other than true or false.
    pub fn parse(query: Option<&str>) -> Result<Flags, ApiError> {
        let mut flags = Flags::default();
        for (name, value) in pairs(query) {
            match name.as_str() {
                "pretty" => flags.pretty = flag(&name, &value)?,
                "envelope" => flags.envelope = flag(&name, &value)?,
                _ => {}
            }
        }
        Ok(flags)
    }

    /// The switches for formatting an answer, whatever else is wrong with the query.
    pub fn lenient(query: Option<&str>) -> Flags {
        let mut flags = Flags::default();
        for (name, value) in pairs(query) {
            match name.as_str() {
                "pretty" => flags.pretty = value.eq_ignore_ascii_case("true"),
                "envelope" => flags.envelope = value.eq_ignore_ascii_case("true"),
                _ => {}
            }
        }
        flags
    }
}

impl Page {
    /// How many items come before this page.
    pub fn offset(&self) -> usize {
        (self.page_num - 1).saturating_mul(self.items_per_page)
    }

    /// Parses the paging parameters (and checks the switches).
    pub fn parse(query: Option<&str>) -> Result<Page, ApiError> {
        Flags::parse(query)?;
        let mut page = Page::default();
        for (name, value) in pairs(query) {
            match name.as_str() {
                // Atlas answers page 0 as the first (Terraform's data sources send it).
                "pageNum" => page.page_num = whole_number(&name, &value, 0, usize::MAX)?.max(1),
                "itemsPerPage" => page.items_per_page = whole_number(&name, &value, 1, 500)?,
                "includeCount" => page.include_count = flag(&name, &value)?,
                _ => {}
            }
        }
        Ok(page)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Flags {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Flags::parse(parts.uri.query())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Page::parse(parts.uri.query())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::error_code::ErrorCode;

    #[test]
    fn defaults_are_atlas_defaults() {
        assert_eq!(
            Page::parse(None).unwrap(),
            Page { page_num: 1, items_per_page: 100, include_count: true }
        );
    }

    #[test]
    fn the_sdk_query_is_accepted() {
        let page = Page::parse(Some("includeCount=true&itemsPerPage=100&pageNum=1")).unwrap();
        assert_eq!(page, Page::default());
    }

    #[test]
    fn out_of_range_and_non_numeric_values_name_the_parameter() {
        for query in ["itemsPerPage=0", "itemsPerPage=501", "pageNum=-1", "pageNum=x", "itemsPerPage=-1"] {
            let error = Page::parse(Some(query)).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidQueryParameter, "{query}");
            assert_eq!(error.parameters, vec![query.split('=').next().unwrap().to_owned()]);
        }
        assert_eq!(Flags::parse(Some("pretty=yes")).unwrap_err().parameters, vec!["pretty"]);
    }

    #[test]
    fn page_zero_is_the_first_page() {
        assert_eq!(Page::parse(Some("pageNum=0")).unwrap(), Page::default());
    }

    #[test]
    fn lenient_flags_ignore_bad_values() {
        assert_eq!(
            Flags::lenient(Some("pretty=TRUE&envelope=maybe")),
            Flags { pretty: true, envelope: false }
        );
    }
}
