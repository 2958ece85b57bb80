//! Request budgets shared by replicas: a scope's (project's or organization's) requests in one
//! clock-aligned window, taken in slices.

use crate::store::error::StoreError;
use crate::store::sql::{Param, Sql, text};

const OPEN: &str = "INSERT INTO rate_windows (scope, window_start, taken) VALUES ($1, $2, 0) \
     ON CONFLICT (scope, window_start) DO NOTHING";
const TAKEN: &str = "SELECT taken FROM rate_windows WHERE scope = $1 AND window_start = $2";
const TAKE: &str = "UPDATE rate_windows SET taken = $3 WHERE scope = $1 AND window_start = $2";
const FORGET_ENDED: &str = "DELETE FROM rate_windows WHERE scope = $1 AND window_start < $2";

/// Takes up to `want` of `limit` from `scope`'s window starting at `window_start` (seconds);
/// the caller holds the scope's lock. Returns what was granted and what the deployment has
/// taken in the window after it.
pub async fn take(
    db: &mut dyn Sql,
    scope: &str,
    window_start: i64,
    want: u32,
    limit: u32,
) -> Result<(u32, u32), StoreError> {
    let (scope_param, window) = (text(scope), Param::Int(Some(window_start)));
    if db.execute(OPEN, &[scope_param, window]).await? > 0 {
        db.execute(FORGET_ENDED, &[scope_param, window]).await?;
    }
    let taken = db.fetch_one(TAKEN, &[scope_param, window]).await?.int(0)?.clamp(0, i64::from(limit)) as u32;
    let granted = want.min(limit - taken);
    if granted > 0 {
        db.execute(TAKE, &[scope_param, window, Param::Int(Some(i64::from(taken + granted)))]).await?;
    }
    Ok((granted, taken + granted))
}
