//! Glob-style matching with Redis's `stringmatchlen` rules, used by KEYS,
//! SCAN MATCH, PSUBSCRIBE, CONFIG GET and friends: `*`, `?`, `[abc]`, `[^a]`,
//! `[a-z]` (reversed ranges allowed), and `\` to escape.

/// Does `s` match `pattern`?
pub fn glob_match(pattern: &[u8], s: &[u8], nocase: bool) -> bool {
    // Iterative with one backtrack point for `*`, so patterns like
    // "*a*a*a*b" cannot blow up exponentially on adversarial keys.
    let (mut p, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    let eq = |a: u8, b: u8| if nocase { a.eq_ignore_ascii_case(&b) } else { a == b };
    loop {
        if p < pattern.len() {
            let c = pattern[p];
            if c == b'*' {
                while p + 1 < pattern.len() && pattern[p + 1] == b'*' {
                    p += 1;
                }
                if p + 1 == pattern.len() {
                    return true;
                }
                star = Some((p, i));
                p += 1;
                continue;
            }
            if i < s.len() {
                // How far the pattern advances when this byte matches.
                let advance = match c {
                    b'?' => Some(1),
                    b'[' => class_match(pattern, p, s[i], nocase).map(|next| next - p),
                    b'\\' if p + 1 < pattern.len() => eq(pattern[p + 1], s[i]).then_some(2),
                    // A trailing backslash matches itself, as in Redis.
                    b'\\' => (s[i] == b'\\').then_some(1),
                    c => eq(c, s[i]).then_some(1),
                };
                if let Some(n) = advance {
                    p += n;
                    i += 1;
                    continue;
                }
            }
        } else if i == s.len() {
            return true;
        }
        // Mismatch: backtrack to the last star, letting it swallow one more byte.
        match star {
            Some((sp, si)) if si < s.len() => {
                star = Some((sp, si + 1));
                p = sp + 1;
                i = si + 1;
            }
            _ => return false,
        }
    }
}

/// Matches `c` against the class starting at `pattern[p] == '['`; returns the
/// index after the class on a match.
fn class_match(pattern: &[u8], p: usize, c: u8, nocase: bool) -> Option<usize> {
    let mut j = p + 1;
    let not = j < pattern.len() && pattern[j] == b'^';
    if not {
        j += 1;
    }
    let mut matched = false;
    let lc = |x: u8| if nocase { x.to_ascii_lowercase() } else { x };
    loop {
        if j >= pattern.len() {
            // Unterminated class: Redis treats the end of pattern as the end of the class.
            j = pattern.len();
            break;
        }
        if pattern[j] == b'\\' && j + 2 < pattern.len() + 1 && j + 1 < pattern.len() {
            j += 1;
            if pattern[j] == c {
                matched = true;
            }
        } else if pattern[j] == b']' {
            break;
        } else if j + 2 < pattern.len() && pattern[j + 1] == b'-' {
            let (mut start, mut end) = (pattern[j], pattern[j + 2]);
            if start > end {
                std::mem::swap(&mut start, &mut end);
            }
            let (start, end, cc) = (lc(start), lc(end), lc(c));
            j += 2;
            if cc >= start && cc <= end {
                matched = true;
            }
        } else if lc(pattern[j]) == lc(c) {
            matched = true;
        }
        j += 1;
    }
    let matched = if not { !matched } else { matched };
    if matched {
        Some(if j < pattern.len() { j + 1 } else { j })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    fn m(p: &str, s: &str) -> bool {
        glob_match(p.as_bytes(), s.as_bytes(), false)
    }

    #[test]
    fn redis_doc_examples() {
        for s in ["hello", "hallo", "hxllo"] {
            assert!(m("h?llo", s));
        }
        for s in ["hllo", "heeeello"] {
            assert!(m("h*llo", s));
        }
        assert!(m("h[ae]llo", "hello") && m("h[ae]llo", "hallo") && !m("h[ae]llo", "hillo"));
        assert!(m("h[^e]llo", "hallo") && m("h[^e]llo", "hbllo") && !m("h[^e]llo", "hello"));
        assert!(m("h[a-b]llo", "hallo") && m("h[a-b]llo", "hbllo") && !m("h[a-b]llo", "hcllo"));
        assert!(m("*", "") && m("*", "anything"));
        assert!(m("a\\*b", "a*b") && !m("a\\*b", "axb"));
        assert!(m("[b-a]", "a"));
        assert!(!m("a", "ab") && !m("ab", "a"));
        assert!(glob_match(b"HE*", b"hello", true));
        assert!(m("*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"));
        assert!(!m("*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assert!(m("foo*bar", "foobazbar"));
    }
}
