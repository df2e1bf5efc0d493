//! Writing XML documents (feeds, sitemap, badges) with quick-xml.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event as XmlEvent};

use crate::render::escape::clean;

/// A writer that indents by two spaces, with the XML declaration already written.
pub fn new_writer() -> io::Result<Writer<Vec<u8>>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(XmlEvent::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    Ok(w)
}

/// `<name>text</name>` with the text cleaned and escaped.
pub fn text_element(w: &mut Writer<Vec<u8>>, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&clean(text)))?;
    Ok(())
}

/// Finishes a document: a trailing newline, then the bytes.
pub fn finish(w: Writer<Vec<u8>>) -> Vec<u8> {
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    bytes
}
