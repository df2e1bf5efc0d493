//! Prometheus range-query JSON (`/api/v1/query_range`, resultType `matrix`): one
//! `probe_success` or `up` series gives the checks ("1" passed, "0" failed);
//! `probe_http_status_code` and `probe_duration_seconds` series with the same labels fill
//! the status code and response time of the checks at the same timestamps.

use std::collections::BTreeMap;
use std::io::Read;

use serde::Deserialize;

use super::Source;
use super::existing::Problems;
use super::row::{Check, response_from_ms};
use crate::diag::Diagnostic;

#[derive(Deserialize)]
struct Response {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    result: Vec<Series>,
}

#[derive(Deserialize)]
struct Series {
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<Sample>,
}

/// One `[<unix time>, "<value>"]` pair, read without keeping the value's string when it
/// is a number: a year of one-minute samples stays small.
struct Sample {
    ts: f64,
    value: Value,
}

enum Value {
    Num(f64),
    /// Not a number: kept for the message.
    Text(Box<str>),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Num(n) => write!(f, "{n}"),
            Value::Text(t) => f.write_str(t),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Value;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a sample value as a string, such as \"1\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
                Ok(match v.trim().parse::<f64>() {
                    Ok(n) => Value::Num(n),
                    Err(_) => Value::Text(v.into()),
                })
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Sample {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Sample, D::Error> {
        let (ts, value) = <(f64, Value)>::deserialize(d)?;
        Ok(Sample { ts, value })
    }
}

/// The sample of a time-ordered series at `at_ms`.
fn sample_at(series: &[Sample], at_ms: i64) -> Option<&Value> {
    let i = series
        .binary_search_by_key(&at_ms, |s| ms(s.ts).unwrap_or(i64::MIN))
        .ok()?;
    Some(&series[i].value)
}

fn status_code(v: &Value) -> Result<Option<u16>, ()> {
    match v {
        // 0: no HTTP answer (a timeout, a refused connection).
        Value::Num(c) if *c == 0.0 => Ok(None),
        Value::Num(c) if (100.0..=599.0).contains(c) && c.fract() == 0.0 => Ok(Some(*c as u16)),
        _ => Err(()),
    }
}

fn duration(v: &Value) -> Option<u64> {
    match v {
        Value::Num(s) => response_from_ms(s * 1000.0),
        Value::Text(_) => None,
    }
}

fn name(s: &Series) -> Option<&str> {
    s.metric.get("__name__").map(String::as_str)
}

/// The series names a check comes from, and those that fill its details.
const CHECK_NAMES: [&str; 2] = ["probe_success", "up"];
const STATUS: &str = "probe_http_status_code";
const DURATION: &str = "probe_duration_seconds";

/// A `label=value` pair of `--select`.
pub type Selector = (String, String);

/// Parses `--select label=value`.
pub fn parse_selector(s: &str) -> Result<Selector, String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!(
            "\"{s}\" is not label=value (e.g. instance=https://api.example.com)"
        )),
    }
}

fn labels(metric: &BTreeMap<String, String>) -> String {
    let inner: Vec<String> = metric
        .iter()
        .map(|(k, v)| format!("{k}={}", serde_json::Value::String(v.clone())))
        .collect();
    format!("{{{}}}", inner.join(","))
}

/// The labels of a series without its name: what a check series shares with its details.
fn identity(metric: &BTreeMap<String, String>) -> BTreeMap<&str, &str> {
    metric
        .iter()
        .filter(|(k, _)| k.as_str() != "__name__")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn ms(ts: f64) -> Option<i64> {
    (ts.is_finite() && ts.abs() < 1e11).then(|| (ts * 1000.0).round() as i64)
}

pub fn read(
    input: impl Read,
    file: &str,
    select: &[Selector],
    diags: &mut Vec<Diagnostic>,
) -> Source {
    let mut source = Source::default();
    let mut response: Response = match serde_json::from_reader(std::io::BufReader::new(input)) {
        Ok(r) => r,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    file,
                    e.line(),
                    e.column(),
                    format!("not Prometheus range-query JSON: {e}"),
                )
                .with_help(
                    "save the answer of /api/v1/query_range: {\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{…},\"values\":[[<time>,\"1\"],…]}]}}",
                ),
            );
            return source;
        }
    };
    if response.status != "success" {
        diags.push(Diagnostic::error(
            file,
            0,
            0,
            format!(
                "status: the query failed ({:?}): {}",
                response.status,
                response.error.as_deref().unwrap_or("no error message")
            ),
        ));
        return source;
    }
    let Some(data) = response.data.as_mut() else {
        diags.push(Diagnostic::error(file, 0, 0, "data: missing"));
        return source;
    };
    if data.result_type != "matrix" {
        diags.push(
            Diagnostic::error(
                file,
                0,
                0,
                format!("data.resultType: \"{}\", not \"matrix\"", data.result_type),
            )
            .with_help("an instant query (/api/v1/query) has one value per series: export a range with /api/v1/query_range"),
        );
        return source;
    }
    // Searched by time below: Prometheus returns samples in time order, a hand-made
    // file may not.
    for s in data.result.iter_mut() {
        if !s.values.is_sorted_by(|a, b| a.ts <= b.ts) {
            s.values.sort_by(|a, b| a.ts.total_cmp(&b.ts));
        }
    }
    let data = &*data;
    let chosen: Vec<(usize, &Series)> = data
        .result
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            select
                .iter()
                .all(|(k, v)| s.metric.get(k).is_some_and(|x| x == v))
        })
        .collect();
    let checks: Vec<&(usize, &Series)> = chosen
        .iter()
        .filter(|(_, s)| name(s).is_none_or(|n| CHECK_NAMES.contains(&n)))
        .collect();
    let (index, series) = match checks.as_slice() {
        [one] => **one,
        [] => {
            let found: Vec<String> = data.result.iter().map(|s| labels(&s.metric)).collect();
            diags.push(
                Diagnostic::error(
                    file,
                    0,
                    0,
                    format!(
                        "data.result: no probe_success or up series{} (series: {})",
                        if select.is_empty() {
                            ""
                        } else {
                            " matches --select"
                        },
                        if found.is_empty() {
                            "none".to_string()
                        } else {
                            found.join(", ")
                        }
                    ),
                )
                .with_help("query probe_success{…} (blackbox exporter) or up{…}"),
            );
            return source;
        }
        many => {
            let sets: Vec<String> = many.iter().map(|(_, s)| labels(&s.metric)).collect();
            diags.push(
                Diagnostic::error(
                    file,
                    0,
                    0,
                    format!(
                        "data.result: {} check series, one is needed: {}",
                        many.len(),
                        sets.join(", ")
                    ),
                )
                .with_help(select_help(many.iter().map(|(_, s)| &s.metric))),
            );
            return source;
        }
    };
    let me = identity(&series.metric);
    let path = |i: usize, j: usize| format!("data.result[{i}].values[{j}]");
    let mut bad = Problems::new(file, diags);
    let (mut statuses, mut durations): (&[Sample], &[Sample]) = (&[], &[]);
    for (i, s) in &chosen {
        let detail = match name(s) {
            Some(STATUS) => STATUS,
            Some(DURATION) => DURATION,
            _ => continue,
        };
        if identity(&s.metric) != me {
            continue;
        }
        // Every bad value is reported, whether or not a check shares its time.
        for (j, sample) in s.values.iter().enumerate() {
            if ms(sample.ts).is_none() {
                bad.push(
                    0,
                    format!("{}: {} is not a Unix time", path(*i, j), sample.ts),
                    "",
                );
            } else if detail == STATUS && status_code(&sample.value).is_err() {
                bad.push(
                    0,
                    format!(
                        "{}: {STATUS} \"{}\" is not an HTTP status",
                        path(*i, j),
                        sample.value
                    ),
                    "expected 0 or 100–599",
                );
            } else if detail == DURATION && duration(&sample.value).is_none() {
                bad.push(
                    0,
                    format!(
                        "{}: {DURATION} \"{}\" is not a duration in seconds",
                        path(*i, j),
                        sample.value
                    ),
                    "expected a non-negative number",
                );
            }
        }
        if detail == STATUS {
            statuses = &s.values;
        } else {
            durations = &s.values;
        }
    }
    source.rows.reserve_exact(series.values.len());
    source.lines.reserve_exact(series.values.len());
    for (j, sample) in series.values.iter().enumerate() {
        let Some(at_ms) = ms(sample.ts) else {
            bad.push(
                0,
                format!("{}: {} is not a Unix time", path(index, j), sample.ts),
                "",
            );
            continue;
        };
        let ok = match sample.value {
            Value::Num(1.0) => true,
            Value::Num(0.0) => false,
            ref other => {
                bad.push(
                    0,
                    format!(
                        "{}: \"{other}\" is neither \"1\" (passed) nor \"0\" (failed)",
                        path(index, j)
                    ),
                    "query the raw probe_success or up series, not an average or a rate",
                );
                continue;
            }
        };
        source.push(
            Check {
                at_ms,
                ok,
                response_us: sample_at(durations, at_ms).and_then(duration),
                status_code: sample_at(statuses, at_ms).and_then(|v| status_code(v).ok().flatten()),
                note: None,
            },
            // The position in the series: JSON has no useful line for a value.
            j + 1,
        );
    }
    bad.finish();
    let used: Vec<&str> = chosen
        .iter()
        .filter_map(|(_, s)| name(s))
        .filter(|n| [STATUS, DURATION].contains(n))
        .collect();
    source.notes.push(format!(
        "series {}{}",
        labels(&series.metric),
        if used.is_empty() {
            String::new()
        } else {
            format!(", with {}", used.join(" and "))
        }
    ));
    source
}

/// How to pick one series: a label whose values tell them apart.
fn select_help<'a>(metrics: impl Iterator<Item = &'a BTreeMap<String, String>>) -> String {
    let metrics: Vec<&BTreeMap<String, String>> = metrics.collect();
    let first = metrics[0];
    let telling = first.iter().find(|(k, v)| {
        metrics[1..]
            .iter()
            .all(|m| m.get(k.as_str()).is_none_or(|x| x != *v))
    });
    match telling {
        Some((k, v)) => {
            format!("pick one with --select {k}={v} (repeat --select to match more labels)")
        }
        None => "pick one with --select label=value (repeat it to match more labels)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(json: &str, select: &[Selector]) -> (Source, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let s = read(json.as_bytes(), "q.json", select, &mut d);
        (s, d)
    }

    const TWO: &str = r#"{"status":"success","data":{"resultType":"matrix","result":[
      {"metric":{"__name__":"probe_success","instance":"a"},"values":[[1773484560,"1"],[1773484620.5,"0"]]},
      {"metric":{"__name__":"probe_success","instance":"b"},"values":[[1773484560,"1"]]},
      {"metric":{"__name__":"probe_duration_seconds","instance":"a"},"values":[[1773484560,"0.1823456"],[1773484620.5,"10"]]},
      {"metric":{"__name__":"probe_http_status_code","instance":"a"},"values":[[1773484560,"200"],[1773484620.5,"0"]]}
    ]}}"#;

    #[test]
    fn two_series_need_a_selection() {
        let (s, d) = run(TWO, &[]);
        assert!(s.rows.is_empty());
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("2 check series"), "{}", d[0].message);
        assert!(
            d[0].message
                .contains(r#"{__name__="probe_success",instance="a"}"#)
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("pick one with --select instance=a (repeat --select to match more labels)")
        );
    }

    #[test]
    fn selected_series_with_details_at_matching_times() {
        let (s, d) = run(TWO, &[("instance".into(), "a".into())]);
        assert!(d.is_empty(), "{d:?}");
        let rows: Vec<&Check> = s.rows.iter().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].at_ms, 1_773_484_560_000);
        assert!(rows[0].ok);
        assert_eq!(rows[0].response_us, Some(182_346));
        assert_eq!(rows[0].status_code, Some(200));
        assert_eq!(rows[1].at_ms, 1_773_484_620_500);
        assert!(!rows[1].ok);
        assert_eq!(rows[1].response_us, Some(10_000_000));
        assert_eq!(rows[1].status_code, None);
    }

    #[test]
    fn bad_values_are_named_by_json_path() {
        let (_, d) = run(
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up"},"values":[[1,"1"],[2,"0.5"],[3,"x"]]}]}}"#,
            &[],
        );
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].starts_with("data.result[0].values[1]: \"0.5\""));
        assert!(msgs[1].starts_with("data.result[0].values[2]"));
    }

    #[test]
    fn wrong_shapes() {
        let (_, d) = run(
            r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
            &[],
        );
        assert!(d[0].message.contains("not \"matrix\""));
        let (_, d) = run("{\"status\":\"success\",\n\"data\":{\"result\":3}}", &[]);
        assert_eq!(d[0].line, 2);
        let (_, d) = run(r#"{"status":"error","error":"bad query"}"#, &[]);
        assert!(d[0].message.contains("bad query"));
    }
}
