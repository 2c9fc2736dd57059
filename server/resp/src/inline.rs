//! Splitting an inline command line into arguments, with the quoting rules of
//! Redis's `sdssplitargs`: "double quotes" take \n \r \t \b \a \\ \" and \xHH
//! escapes, 'single quotes' take only \', and a closing quote must be followed
//! by a space or the end of the line.

use bytes::Bytes;

/// Returns `None` for unbalanced quotes.
pub fn split_args(line: &[u8]) -> Option<Vec<Bytes>> {
    let mut args = Vec::new();
    let mut i = 0;
    let n = line.len();
    loop {
        while i < n && line[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= n {
            return Some(args);
        }
        let mut cur = Vec::new();
        match line[i] {
            b'"' => {
                i += 1;
                loop {
                    if i >= n {
                        return None;
                    }
                    let c = line[i];
                    if c == b'\\' && i + 3 < n && line[i + 1] == b'x' && is_hex(line[i + 2]) && is_hex(line[i + 3]) {
                        cur.push(hex(line[i + 2]) * 16 + hex(line[i + 3]));
                        i += 4;
                    } else if c == b'\\' && i + 1 < n {
                        cur.push(match line[i + 1] {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 0x08,
                            b'a' => 0x07,
                            other => other,
                        });
                        i += 2;
                    } else if c == b'"' {
                        if i + 1 < n && !line[i + 1].is_ascii_whitespace() {
                            return None;
                        }
                        i += 1;
                        break;
                    } else {
                        cur.push(c);
                        i += 1;
                    }
                }
            }
            b'\'' => {
                i += 1;
                loop {
                    if i >= n {
                        return None;
                    }
                    let c = line[i];
                    if c == b'\\' && i + 1 < n && line[i + 1] == b'\'' {
                        cur.push(b'\'');
                        i += 2;
                    } else if c == b'\'' {
                        if i + 1 < n && !line[i + 1].is_ascii_whitespace() {
                            return None;
                        }
                        i += 1;
                        break;
                    } else {
                        cur.push(c);
                        i += 1;
                    }
                }
            }
            _ => {
                while i < n && !line[i].is_ascii_whitespace() {
                    cur.push(line[i]);
                    i += 1;
                }
            }
        }
        args.push(Bytes::from(cur));
    }
}

fn is_hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}

fn hex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    }
}

#[cfg(test)]
mod tests {
    use super::split_args;

    fn s(line: &str) -> Option<Vec<String>> {
        split_args(line.as_bytes()).map(|v| v.iter().map(|b| String::from_utf8_lossy(b).into_owned()).collect())
    }

    #[test]
    fn quoting() {
        assert_eq!(s("set  a b").unwrap(), ["set", "a", "b"]);
        assert_eq!(s(r#"set "a b" 'c d'"#).unwrap(), ["set", "a b", "c d"]);
        assert_eq!(s(r#"echo "\x41\n""#).unwrap(), ["echo", "A\n"]);
        assert_eq!(s(r#"echo """#).unwrap(), ["echo", ""]);
        assert!(s(r#"echo "abc"#).is_none());
        assert!(s(r#"echo "a"b"#).is_none());
        assert!(s("echo 'a").is_none());
    }
}
