//! Checks that need inferred kinds: a method or attribute the receiver's kind does not
//! have, and the arity and keywords of methods with known signatures. They run only
//! where the kind is known; unknown receivers are left to run time.

use crate::core::names::{Attr, Method};
use crate::diag::Diagnostic;
use crate::diag::did_you_mean::did_you_mean;
use crate::plan::kinds::{Event, Kinds};
use crate::plan::lower::{Claimed, SideSpans};
use crate::plan::signatures::{
    CallShape, check_call, has_attr, kind_name, kinds_with_method, method_sig,
};

/// Every error found in `kinds.events`.
pub fn check(kinds: &Kinds, side: &SideSpans, claimed: Claimed) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for ev in &kinds.events {
        match ev {
            Event::Method {
                span,
                method,
                recv,
                call,
                ..
            } => {
                let Some(kind) = kinds.kind(recv) else {
                    continue;
                };
                let Some((name_span, kws)) = side.methods.get(span) else {
                    continue;
                };
                let site = (recv.sites.len() == 1).then(|| {
                    let s = &kinds.sites[*recv.sites.first().expect("one site") as usize];
                    (s.span, format!("{} created here", kind_name(kind)))
                });
                match method_sig(kind, *method) {
                    None if !claimed.attribute_error => {
                        let mut d = Diagnostic::error(
                            format!("{} has no method '{}'", kind_name(kind), method.name()),
                            *name_span,
                        )
                        .with_label(format!("not a method of {}", kind_name(kind)));
                        let own = Method::ALL
                            .iter()
                            .filter(|m| method_sig(kind, **m).is_some())
                            .map(|m| m.name());
                        let others: Vec<&str> = kinds_with_method(*method)
                            .into_iter()
                            .map(kind_name)
                            .collect();
                        if let Some(s) = did_you_mean(method.name(), own) {
                            d = d.with_help(format!("did you mean '{s}'?"));
                        } else if !others.is_empty() {
                            d = d.with_help(format!(
                                "'{}' is a method of {}",
                                method.name(),
                                others.join(", ")
                            ));
                        }
                        if let Some((s, l)) = site {
                            d = d.with_secondary(s, l);
                        }
                        out.push(d);
                    }
                    Some(sig) if !claimed.type_error => {
                        let Some((positional, star)) = call else {
                            continue;
                        };
                        let shape = CallShape {
                            positional: *positional,
                            keywords: kws.iter().map(|(k, s)| (k.as_str(), *s)).collect(),
                            star: *star,
                        };
                        let what = format!("{}.{}()", kind_name(kind), method.name());
                        out.extend(check_call(&what, &sig, &shape, *span));
                    }
                    _ => {}
                }
            }
            Event::Attr {
                span,
                attr,
                recv,
                target,
                ..
            } => {
                let Some(kind) = kinds.kind(recv) else {
                    continue;
                };
                if has_attr(kind, *attr) || claimed.attribute_error {
                    continue;
                }
                let spans = if *target {
                    &side.target_attrs
                } else {
                    &side.attrs
                };
                let name_span = spans.get(span).copied().unwrap_or(*span);
                let mut d = Diagnostic::error(
                    format!("{} has no attribute '{}'", kind_name(kind), attr.name()),
                    name_span,
                )
                .with_label(format!("not an attribute of {}", kind_name(kind)));
                let own = Attr::ALL
                    .iter()
                    .filter(|a| has_attr(kind, **a))
                    .map(|a| a.name());
                if let Some(s) = did_you_mean(attr.name(), own) {
                    d = d.with_help(format!("did you mean '{s}'?"));
                }
                out.push(d);
            }
            _ => {}
        }
    }
    out
}
