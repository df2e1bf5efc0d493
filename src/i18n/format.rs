//! The locale's number, plural and date rules, from ICU4X's compiled CLDR data: built
//! once per build (in [`Texts`](super::Texts)) and reused for every page.
//!
//! Dates follow a CLDR pattern kept in the catalog (`format_date`, `format_datetime`,
//! `format_month`), so a language decides its order and clock ("26. Nov. 2026, 14:05",
//! "2026年11月26日 14:05", "26 نوفمبر 2026، 2:05 م") while month names, weekday names,
//! day periods and digits come from CLDR.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use fixed_decimal::Decimal;
use icu_calendar::{Date, Gregorian};
use icu_datetime::input::{DateTime, Time};
use icu_datetime::pattern::{DateTimePattern, FixedCalendarDateTimeNames};
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;
use icu_plurals::{PluralCategory, PluralRules};
use writeable::TryWriteable;

use super::Lang;

/// A date pattern with the names it needs loaded.
struct DatePattern {
    names: FixedCalendarDateTimeNames<Gregorian>,
    pattern: DateTimePattern,
}

impl DatePattern {
    fn new(locale: &Locale, pattern: &str) -> Result<DatePattern, String> {
        let pattern: DateTimePattern = pattern
            .parse()
            .map_err(|e| format!("`{pattern}` is not a CLDR date pattern: {e}"))?;
        let mut names = FixedCalendarDateTimeNames::<Gregorian>::try_new(locale.into())
            .map_err(|e| e.to_string())?;
        names
            .include_for_pattern(&pattern)
            .map_err(|e| format!("{e:?}"))?;
        Ok(DatePattern { names, pattern })
    }

    fn format(&self, t: NaiveDateTime) -> String {
        let date = Date::try_new_gregorian(t.year(), t.month() as u8, t.day() as u8)
            .unwrap_or_else(|_| Date::try_new_gregorian(1970, 1, 1).expect("a valid date"));
        let time = Time::try_new(t.hour() as u8, t.minute() as u8, 0, 0)
            .unwrap_or_else(|_| Time::start_of_day());
        let input = DateTime { date, time };
        let formatted = self
            .names
            .with_pattern_unchecked(&self.pattern)
            .format(&input);
        match formatted.try_write_to_string() {
            Ok(s) => s.into_owned(),
            // Only a field the names lack fails; the text is still complete otherwise.
            Err((_, s)) => s.into_owned(),
        }
    }
}

pub struct Formats {
    /// The locale writes 0–999 as Rust does (Latin digits; grouping starts at 1,000):
    /// the common small numbers skip ICU.
    plain_small: bool,
    /// The decimal separator, when numbers under 1,000 are Latin digits around it
    /// (percentages and minutes, printed thousands of times per build, skip ICU).
    small_separator: Option<char>,
    plurals: PluralRules,
    decimal: DecimalFormatter,
    date: DatePattern,
    datetime: DatePattern,
    month: DatePattern,
    day: DatePattern,
    weekdays: Vec<String>,
}

/// The patterns a catalog gives for dates.
pub struct Patterns<'a> {
    pub date: &'a str,
    pub datetime: &'a str,
    pub month: &'a str,
    pub day: &'a str,
}

impl Patterns<'_> {
    pub const ENGLISH: Patterns<'static> = Patterns {
        date: "d MMM y",
        datetime: "d MMM y, HH:mm",
        month: "MMMM y",
        day: "EEE d MMM",
    };
}

impl Formats {
    /// The formatters of `lang` with the catalog's date patterns; a pattern that does
    /// not parse is reported by `check` (`load::i18n`) and replaced by English's here.
    pub fn new(lang: &Lang, patterns: &Patterns<'_>) -> Formats {
        let locale: Locale = lang.code.parse().unwrap_or(Locale::UNKNOWN);
        // Compiled data covers every shipped locale (a test builds each); the fallback
        // is CLDR's root, never a panic.
        let plurals = PluralRules::try_new_cardinal((&locale).into())
            .or_else(|_| PluralRules::try_new_cardinal(Default::default()))
            .expect("CLDR root plural rules are compiled in");
        let decimal = DecimalFormatter::try_new((&locale).into(), Default::default())
            .or_else(|_| DecimalFormatter::try_new(Default::default(), Default::default()))
            .expect("CLDR root decimal symbols are compiled in");
        let pattern = |p: &str, english: &str| {
            DatePattern::new(&locale, p)
                .or_else(|_| DatePattern::new(&locale, english))
                .expect("the English date patterns parse")
        };
        let weekday = pattern("ccccc", "ccccc");
        // Monday first, as the calendar grid is laid out: 2024-01-01 was a Monday.
        let weekdays = (1..=7)
            .filter_map(|d| NaiveDate::from_ymd_opt(2024, 1, d))
            .map(|d| weekday.format(d.and_time(chrono::NaiveTime::MIN)))
            .collect();
        let plain_small = decimal.format(&Decimal::from(-987_i64)).to_string() == "-987"
            && decimal.format(&Decimal::from(120_i64)).to_string() == "120";
        let small_separator = plain_small
            .then(|| {
                let mut d = Decimal::from(9875_i64);
                d.multiply_pow10(-1);
                let s = decimal.format(&d).to_string();
                let sep = s.strip_prefix("987")?.strip_suffix('5')?;
                let mut chars = sep.chars();
                let c = chars.next()?;
                chars.next().is_none().then_some(c)
            })
            .flatten();
        Formats {
            plain_small,
            small_separator,
            plurals,
            decimal,
            date: pattern(patterns.date, Patterns::ENGLISH.date),
            datetime: pattern(patterns.datetime, Patterns::ENGLISH.datetime),
            month: pattern(patterns.month, Patterns::ENGLISH.month),
            day: pattern(patterns.day, Patterns::ENGLISH.day),
            weekdays,
        }
    }

    /// Checks a catalog's date pattern (for messages about a site's override).
    pub fn check_pattern(lang: &Lang, pattern: &str) -> Result<(), String> {
        let locale: Locale = lang.code.parse().unwrap_or(Locale::UNKNOWN);
        DatePattern::new(&locale, pattern).map(|_| ())
    }

    /// The catalog's plural category for `n` (index into `catalog::CATEGORIES`).
    pub fn plural(&self, n: i64) -> u8 {
        match self.plurals.category_for(n) {
            PluralCategory::Zero => 0,
            PluralCategory::One => 1,
            PluralCategory::Two => 2,
            PluralCategory::Few => 3,
            PluralCategory::Many => 4,
            PluralCategory::Other => 5,
        }
    }

    /// An integer with the locale's digits and grouping ("1,200", "1.200").
    pub fn integer(&self, n: i64) -> String {
        if self.plain_small && (0..1000).contains(&n) {
            return n.to_string();
        }
        self.decimal.format(&Decimal::from(n)).to_string()
    }

    /// `units / 10^scale`, keeping every decimal written ("99.900" with scale 3):
    /// the locale's decimal separator and grouping.
    pub fn decimal(&self, units: i64, scale: i16) -> String {
        if let Some(sep) = self.small_separator
            && units >= 0
            && (1..=9).contains(&scale)
        {
            let pow = 10_i64.pow(scale as u32);
            let (int, frac) = (units / pow, units % pow);
            if int < 1000 {
                return format!("{int}{sep}{frac:0width$}", width = scale as usize);
            }
        }
        if scale == 0 && (0..1000).contains(&units) && self.plain_small {
            return units.to_string();
        }
        self.decimal_icu(units, scale)
    }

    fn decimal_icu(&self, units: i64, scale: i16) -> String {
        let mut d = Decimal::from(units);
        d.multiply_pow10(-scale);
        self.decimal.format(&d).to_string()
    }

    /// A decimal written in Rust's shortest form ("99.95"), in the locale's digits.
    pub fn decimal_str(&self, s: &str) -> String {
        match s.parse::<Decimal>() {
            Ok(d) => self.decimal.format(&d).to_string(),
            Err(_) => s.to_string(),
        }
    }

    /// A calendar date: "26 Nov 2026", "26. Nov. 2026". The uptime bars repeat the
    /// same days on many pages: each thread remembers the dates it formatted.
    pub fn date(&self, d: NaiveDate) -> String {
        self.cached(0, d, || {
            self.date.format(d.and_time(chrono::NaiveTime::MIN))
        })
    }

    fn cached(&self, kind: u8, d: NaiveDate, f: impl FnOnce() -> String) -> String {
        use std::cell::RefCell;
        use std::collections::HashMap;
        type Key = (usize, u8, NaiveDate);
        thread_local! {
            static DATES: RefCell<HashMap<Key, String>> = RefCell::new(HashMap::new());
        }
        let key = (self as *const Formats as usize, kind, d);
        if let Some(s) = DATES.with(|c| c.borrow().get(&key).cloned()) {
            return s;
        }
        let s = f();
        DATES.with(|c| {
            let mut c = c.borrow_mut();
            // Bounded: a build shows a few thousand distinct days at most.
            if c.len() > 50_000 {
                c.clear();
            }
            c.insert(key, s.clone());
        });
        s
    }

    /// A local date and time, without zone: "26 Nov 2026, 14:05".
    pub fn datetime(&self, t: NaiveDateTime) -> String {
        self.datetime.format(t)
    }

    /// A day in the bar's tooltip, without the year: "Thu 26 Nov".
    pub fn day(&self, d: NaiveDate) -> String {
        self.cached(1, d, || self.day.format(d.and_time(chrono::NaiveTime::MIN)))
    }

    /// A month: "November 2026".
    pub fn month(&self, d: NaiveDate) -> String {
        self.month.format(d.and_time(chrono::NaiveTime::MIN))
    }

    /// The weekdays' narrow names, Monday first ("M", "T", …).
    pub fn weekdays_narrow(&self) -> Vec<String> {
        self.weekdays.clone()
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::Texts;
    use chrono::NaiveDate;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    /// Expected strings checked by hand against each language's usage.
    #[test]
    fn dates_per_locale() {
        let at = day().and_hms_opt(14, 5, 0).unwrap();
        let cases = [
            ("en", "26 Nov 2026", "26 Nov 2026, 14:05", "November 2026"),
            (
                "de",
                "26. Nov. 2026",
                "26. Nov. 2026, 14:05",
                "November 2026",
            ),
            ("fr", "26 nov. 2026", "26 nov. 2026, 14:05", "novembre 2026"),
            ("ja", "2026年11月26日", "2026年11月26日 14:05", "2026年11月"),
            (
                "zh-CN",
                "2026年11月26日",
                "2026年11月26日 14:05",
                "2026年11月",
            ),
            (
                "ar",
                "26 نوفمبر 2026",
                "26 نوفمبر 2026، 2:05 م",
                "نوفمبر 2026",
            ),
        ];
        for (lang, date, datetime, month) in cases {
            let f = &Texts::resolve(lang, &[]).formats;
            assert_eq!(f.date(day()), date, "{lang}");
            assert_eq!(f.datetime(at), datetime, "{lang}");
            assert_eq!(f.month(day()), month, "{lang}");
        }
    }

    #[test]
    fn weekdays_and_numbers_per_locale() {
        let en = &Texts::resolve("en", &[]).formats;
        assert_eq!(en.weekdays_narrow().concat(), "MTWTFSS");
        assert_eq!(en.day(day()), "Thu 26 Nov");
        assert_eq!(en.integer(1200), "1,200");
        let ja = &Texts::resolve("ja", &[]).formats;
        assert_eq!(ja.weekdays_narrow().concat(), "月火水木金土日");
        let de = &Texts::resolve("de", &[]).formats;
        assert_eq!(de.weekdays_narrow().concat(), "MDMDFSS");
        assert_eq!(de.integer(1200), "1.200");
        assert_eq!(de.decimal(99950, 3), "99,950");
        let fr = &Texts::resolve("fr", &[]).formats;
        assert_eq!(fr.integer(1200), "1\u{202f}200");
    }

    /// The shortcut for small numbers writes what ICU writes, in every shipped locale.
    #[test]
    fn small_numbers_match_icu() {
        for lang in crate::i18n::SHIPPED {
            let f = &Texts::resolve(lang.code, &[]).formats;
            for (units, scale) in [
                (0, 3),
                (99_972, 3),
                (100, 0),
                (432, 1),
                (5, 2),
                (999_999, 3),
            ] {
                assert_eq!(
                    f.decimal(units, scale),
                    f.decimal_icu(units, scale),
                    "{}",
                    lang.code
                );
            }
            for n in [0, 7, 42, 999] {
                assert_eq!(f.integer(n), f.decimal_icu(n, 0), "{}", lang.code);
            }
        }
    }

    #[test]
    fn plural_categories_follow_cldr() {
        let cat = |lang: &str, n: i64| Texts::resolve(lang, &[]).formats.plural(n);
        // 1 = one, 5 = other: English; French counts 0 as one; Arabic has all six.
        assert_eq!((cat("en", 1), cat("en", 0), cat("en", 5)), (1, 5, 5));
        assert_eq!(cat("fr", 0), 1);
        assert_eq!(
            [0, 1, 2, 3, 11, 100].map(|n| cat("ar", n)),
            [0, 1, 2, 3, 4, 5]
        );
        assert_eq!(cat("ja", 1), 5);
    }
}
