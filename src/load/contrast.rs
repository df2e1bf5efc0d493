//! Colour contrast as WCAG 2.x defines it: relative luminance of sRGB colours and the
//! ratio (L1 + 0.05) / (L2 + 0.05). Used to refuse a brand colour readers cannot read.

/// A `#rgb` or `#rrggbb` colour.
pub fn parse_hex(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize| u8::from_str_radix(&hex[i..i + 1], 16).ok();
    match hex.len() {
        3 => Some([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17]),
        6 => {
            let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
            Some([byte(0)?, byte(2)?, byte(4)?])
        }
        _ => None,
    }
}

/// `#rrggbb`, lowercase.
pub fn to_hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// WCAG 2.x relative luminance, 0 (black) to 1 (white).
pub fn luminance(c: [u8; 3]) -> f64 {
    let channel = |v: u8| {
        let s = f64::from(v) / 255.0;
        // WCAG 2.x's threshold (0.03928); the sRGB standard's 0.04045 gives the same
        // result for every 8-bit value.
        if s <= 0.03928 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])
}

/// The contrast ratio of two colours, 1 to 21, whichever is lighter.
pub fn ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la >= lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// A ratio as people read it ("4.48:1"), rounded down so a failing ratio never prints
/// as the threshold it misses.
pub fn format_ratio(r: f64) -> String {
    let hundredths = (r * 100.0).floor() / 100.0;
    let s = format!("{hundredths:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}:1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> [u8; 3] {
        parse_hex(s).expect("colour")
    }

    #[test]
    fn parses_short_and_long_hex() {
        assert_eq!(parse_hex("#fff"), Some([255, 255, 255]));
        assert_eq!(parse_hex("#0550AE"), Some([5, 80, 174]));
        for bad in [
            "fff",
            "#ffff",
            "#ggg",
            "#12345",
            "",
            "#",
            "red",
            "#ffffff00",
        ] {
            assert_eq!(parse_hex(bad), None, "{bad}");
        }
        assert_eq!(to_hex([5, 80, 174]), "#0550ae");
    }

    /// Known ratios from WCAG's definition and the WebAIM contrast checker.
    #[test]
    fn known_wcag_ratios() {
        let cases = [
            ("#000000", "#ffffff", 21.0),
            ("#ffffff", "#ffffff", 1.0),
            ("#777777", "#ffffff", 4.48),
            ("#767676", "#ffffff", 4.54),
            ("#595959", "#ffffff", 7.0),
            ("#0000ff", "#ffffff", 8.59),
            ("#ff0000", "#ffffff", 3.99),
            ("#ffd400", "#ffffff", 1.44),
        ];
        for (a, b, want) in cases {
            let got = ratio(hex(a), hex(b));
            assert!((got - want).abs() < 0.01, "{a} on {b}: {got} (want {want})");
            assert!((ratio(hex(b), hex(a)) - got).abs() < 1e-12, "symmetric");
        }
        assert!((luminance(hex("#ffffff")) - 1.0).abs() < 1e-12);
        assert_eq!(luminance(hex("#000000")), 0.0);
    }

    #[test]
    fn formats_rounding_down() {
        assert_eq!(format_ratio(4.4999), "4.49:1");
        assert_eq!(format_ratio(21.0), "21:1");
        assert_eq!(format_ratio(1.44), "1.44:1");
        assert_eq!(format_ratio(4.5), "4.5:1");
    }
}
