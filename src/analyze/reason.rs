//! Why a creation site is not reported: the analysis records, per creation, what ended its
//! life in the body (invalidated, stored, returned, handed on). `--explain FILE:LINE` reads
//! these; owner-level answers (who invalidates a stored session, which type lives for the
//! process) are added from the owner facts when the site is explained.

use crate::facts::{Name, Span};
use crate::project::FnId;

/// One reason, with where it happens (a span in the creating body's file unless it names
/// another function).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// An `invalidateAndCancel`/`finishTasksAndInvalidate` call on it, or a closure that runs
    /// later and makes that call.
    Invalidated { at: Span },
    /// Passed to a function the analysis can see that invalidates it.
    InvalidatedByCallee { callee: Name, at: Span },
    /// Created with `delegate: self`, and the owner's delegate callback invalidates the
    /// session it receives.
    InvalidatedByDelegate { callback: FnId },
    /// Stored in a member: the owner is judged instead (SL003-SL005).
    StoredInMember { owner: Name, member: Name, at: Span },
    /// Returned to the caller: the function is a factory, its callers are judged.
    Returned { at: Span },
    /// Kept in process-lifetime storage (a function-level `static`).
    StaticStorage { at: Span },
    /// Handed to code the analysis cannot follow (an unresolved call, unknown code, a
    /// closure stored where the analysis cannot see), named when it has a name.
    HandedOff { to: Option<Name>, at: Span },
}

impl Reason {
    /// The function-local position the reason points at, if any.
    pub fn span(&self) -> Option<Span> {
        match self {
            Reason::Invalidated { at }
            | Reason::InvalidatedByCallee { at, .. }
            | Reason::StoredInMember { at, .. }
            | Reason::Returned { at }
            | Reason::StaticStorage { at }
            | Reason::HandedOff { at, .. } => Some(*at),
            Reason::InvalidatedByDelegate { .. } => None,
        }
    }
}
