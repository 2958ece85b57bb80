//! Atlas's paginated list `{links, results, totalCount}`: the self link in the mount's form,
//! `previous` and `next` when the page has neighbours. Links carry the page's parameters and
//! then every other parameter the request sent, as sent.

use serde::Serialize;
use serde_json::{Value, json};

use super::extract::SelfLink;
use super::mount::Mount;
use super::query::Page;

fn link(mount: Mount, at: &SelfLink, page: &Page, page_num: usize, rel: &str) -> Value {
    let query = match mount {
        Mount::AtlasV2 => format!(
            "includeCount={}&pageNum={page_num}&itemsPerPage={}",
            page.include_count, page.items_per_page
        ),
        Mount::AtlasV1 | Mount::OpsManagerV1 => {
            format!("pageNum={page_num}&itemsPerPage={}", page.items_per_page)
        }
    };
    let kept = kept_parameters(at.query.as_deref());
    json!({"href": format!("{}{}?{query}{kept}", at.origin, at.path), "rel": rel})
}

/// The request's parameters other than the page's, each after an `&`, in the order sent.
fn kept_parameters(query: Option<&str>) -> String {
    let paging = ["pageNum", "itemsPerPage", "includeCount"];
    let pairs = query.unwrap_or("").split('&').filter(|pair| !pair.is_empty());
    pairs
        .filter(|pair| !paging.contains(&pair.split('=').next().unwrap_or("")))
        .map(|pair| format!("&{pair}"))
        .collect()
}

/// Atlas's list body, keys in its order; serialised straight from the page's items.
#[derive(Serialize)]
pub struct Paginated<T> {
    links: Vec<Value>,
    results: Vec<T>,
    #[serde(rename = "totalCount", skip_serializing_if = "Option::is_none")]
    total_count: Option<usize>,
}

/// The list body for `results`, the items of `page` out of `total`.
pub fn paginated<T: Serialize>(
    mount: Mount,
    at: &SelfLink,
    page: &Page,
    results: Vec<T>,
    total: usize,
) -> Paginated<T> {
    let mut links = vec![link(mount, at, page, page.page_num, "self")];
    if page.page_num > 1 {
        links.push(link(mount, at, page, page.page_num - 1, "previous"));
    }
    if page.offset().saturating_add(page.items_per_page) < total {
        links.push(link(mount, at, page, page.page_num + 1, "next"));
    }
    Paginated { links, results, total_count: page.include_count.then_some(total) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lists_links_keep_what_the_request_asked_besides_the_page() {
        let kept = kept_parameters(Some("includeSystemManaged=true&pageNum=2&itemsPerPage=5&status=OPEN"));
        assert_eq!(kept, "&includeSystemManaged=true&status=OPEN");
        assert_eq!(kept_parameters(Some("includeCount=true&pageNum=1")), "");
        assert_eq!(kept_parameters(None), "");
    }
}
