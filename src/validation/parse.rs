//! Parsing with tree-sitter's Python grammar, and the one iterative walk every tree rule shares.

use tree_sitter::{Node, Parser, Tree};

/// Parse Python source into a tree-sitter tree.
///
/// tree-sitter never fails on bad input: it recovers and marks the damage with `ERROR` and
/// `MISSING` nodes, which [`super::checker`] turns into syntax errors. `None` only comes back if
/// the grammar cannot be loaded (an ABI mismatch between the crates, caught by the tests).
pub(crate) fn parse(source: &str) -> Option<Tree> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .ok()?;
    parser.parse(source, None)
}

/// Receives the walk's events; see [`walk`].
pub(crate) trait Visitor<'t> {
    /// Called when the walk reaches `node`; return `false` to skip its children.
    fn enter(&mut self, node: Node<'t>, field: Option<&'static str>) -> bool;
    /// Called once the walk is done with `node` (also when its children were skipped).
    fn leave(&mut self, node: Node<'t>);
}

/// Visit every node of `tree` depth-first, in source order.
///
/// The walk is a loop over a [`tree_sitter::TreeCursor`], not a recursion, so 10,000 nested
/// parentheses cannot overflow the stack: memory grows with depth only inside tree-sitter's
/// cursor and the visitor's own explicit stacks.
pub(crate) fn walk<'t>(tree: &'t Tree, visitor: &mut impl Visitor<'t>) {
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let descend = visitor.enter(node, cursor.field_name());
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            visitor.leave(cursor.node());
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Count {
        entered: usize,
        left: usize,
        max_depth: usize,
        depth: usize,
    }

    impl<'t> Visitor<'t> for Count {
        fn enter(&mut self, _: Node<'t>, _: Option<&'static str>) -> bool {
            self.entered += 1;
            self.depth += 1;
            self.max_depth = self.max_depth.max(self.depth);
            true
        }
        fn leave(&mut self, _: Node<'t>) {
            self.left += 1;
            self.depth -= 1;
        }
    }

    #[test]
    fn every_entered_node_is_left_once() {
        let tree = parse("def f(a):\n    return (a + 1)\n").unwrap();
        let mut c = Count {
            entered: 0,
            left: 0,
            max_depth: 0,
            depth: 0,
        };
        walk(&tree, &mut c);
        assert!(c.entered > 5);
        assert_eq!(c.entered, c.left);
        assert_eq!(c.depth, 0);
    }

    #[test]
    fn ten_thousand_nested_parentheses_walk_without_recursion() {
        let src = format!("x = {}1{}\n", "(".repeat(10_000), ")".repeat(10_000));
        let tree = parse(&src).unwrap();
        let mut c = Count {
            entered: 0,
            left: 0,
            max_depth: 0,
            depth: 0,
        };
        walk(&tree, &mut c);
        assert!(c.max_depth > 10_000);
    }
}
