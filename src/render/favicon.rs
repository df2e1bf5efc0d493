//! The favicon follows the overall status: one small SVG per level (a shape as well as a
//! colour, so the tab reads without colour vision) and a 32×32 ICO of the same colour for
//! browsers that take no SVG icons. All are written on every build, so the files a page
//! links never go missing; the pages link the one of the current level.

use crate::files::OutputFile;
use crate::vocabulary::Level;

/// The theme's strong status colours (`--ok`, `--maint`, … of style.css, light scheme):
/// white marks on them meet 4.5:1.
fn colour(level: Level) -> [u8; 3] {
    match level {
        Level::Operational => [0x1a, 0x7f, 0x37],
        Level::UnderMaintenance => [0x09, 0x69, 0xda],
        Level::DegradedPerformance => [0x9a, 0x67, 0x00],
        Level::PartialOutage => [0xbc, 0x4c, 0x00],
        Level::MajorOutage => [0xcf, 0x22, 0x2e],
    }
}

/// The white mark drawn on the tile: a check, a clock, a dash, an exclamation mark, a cross
/// (`STROKE` stands for the shared stroke attributes).
fn mark(level: Level) -> &'static str {
    match level {
        Level::Operational => r#"<path d="M9 16.5l4.5 4.5L23 11.5" STROKE/>"#,
        Level::UnderMaintenance => {
            r#"<circle cx="16" cy="16" r="8" STROKE/><path d="M16 11.5V16l3 2" STROKE/>"#
        }
        Level::DegradedPerformance => r#"<path d="M9 16h14" STROKE/>"#,
        Level::PartialOutage => {
            r##"<path d="M16 8.5v9" STROKE/><circle cx="16" cy="23" r="2" fill="#fff"/>"##
        }
        Level::MajorOutage => r#"<path d="M10.5 10.5l11 11M21.5 10.5l-11 11" STROKE/>"#,
    }
}

const STROKE: &str = r##"fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round""##;

pub fn svg_path(level: Level) -> String {
    format!("favicon/{}.svg", level.as_str())
}

pub fn ico_path(level: Level) -> String {
    format!("favicon/{}.ico", level.as_str())
}

pub fn svg(level: Level) -> String {
    let [r, g, b] = colour(level);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#{r:02x}{g:02x}{b:02x}"/>{}</svg>"##,
        mark(level).replace("STROKE", STROKE)
    )
}

/// A 32×32, 32-bit ICO: the level's colour on a tile with rounded corners.
pub fn ico(level: Level) -> Vec<u8> {
    const SIZE: u32 = 32;
    const RADIUS: f64 = 8.0;
    let [r, g, b] = colour(level);
    let pixels = (SIZE * SIZE * 4) as usize;
    let mask = (SIZE * 4) as usize; // 1 bit per pixel, rows padded to 32 bits
    let image = 40 + pixels + mask;
    let mut out = Vec::with_capacity(22 + image);
    // ICONDIR: reserved, type 1 (icon), one image.
    out.extend([0, 0, 1, 0, 1, 0]);
    // ICONDIRENTRY: 32×32, no palette, 1 plane, 32 bpp, size, offset.
    out.extend([SIZE as u8, SIZE as u8, 0, 0, 1, 0, 32, 0]);
    out.extend((image as u32).to_le_bytes());
    out.extend(22u32.to_le_bytes());
    // BITMAPINFOHEADER; the height counts the colour rows and the mask rows.
    out.extend(40u32.to_le_bytes());
    out.extend(SIZE.to_le_bytes());
    out.extend((SIZE * 2).to_le_bytes());
    out.extend([1, 0, 32, 0]);
    out.extend(0u32.to_le_bytes());
    out.extend(((pixels + mask) as u32).to_le_bytes());
    out.extend([0u8; 16]);
    // Pixels bottom-up, BGRA.
    let inside = |x: u32, y: u32| {
        let c = |v: u32| {
            let v = f64::from(v) + 0.5;
            if v < RADIUS {
                RADIUS - v
            } else if v > f64::from(SIZE) - RADIUS {
                v - (f64::from(SIZE) - RADIUS)
            } else {
                0.0
            }
        };
        let (dx, dy) = (c(x), c(y));
        dx * dx + dy * dy <= RADIUS * RADIUS
    };
    for y in (0..SIZE).rev() {
        for x in 0..SIZE {
            let a = if inside(x, y) { 255 } else { 0 };
            out.extend([b, g, r, a]);
        }
    }
    out.extend(std::iter::repeat_n(0u8, mask));
    out
}

/// Every level's icons.
pub fn favicon_files() -> Vec<OutputFile> {
    Level::ALL
        .iter()
        .flat_map(|&l| {
            [
                OutputFile::new(svg_path(l), svg(l)),
                OutputFile::new(ico_path(l), ico(l)),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_svg_and_ico_per_level() {
        let files = favicon_files();
        assert_eq!(files.len(), 10);
        for l in Level::ALL {
            let s = svg(l);
            assert!(s.starts_with("<svg") && s.ends_with("</svg>"), "{s}");
            assert!(!s.contains("STROKE"), "{s}");
            let i = ico(l);
            assert_eq!(&i[..6], &[0, 0, 1, 0, 1, 0]);
            let size = u32::from_le_bytes([i[14], i[15], i[16], i[17]]) as usize;
            assert_eq!(i.len(), 22 + size);
        }
        // Each level looks different.
        let marks: std::collections::HashSet<String> = Level::ALL.iter().map(|&l| svg(l)).collect();
        assert_eq!(marks.len(), 5);
    }
}
