//! [`TreeEnsemble::new`] accepts trees only: a `model.onnx` whose branches share a child (a
//! graph whose root-to-leaf walks double with every shared level, so compiling or explaining it
//! never ends) or leave a node unreachable is refused with the node at fault.

use appfraud_serve::{Branch, Leaf, Node, Tree, TreeEnsemble};

fn branch(left: u32, right: u32) -> Node {
    Node::Branch(Branch {
        feature: 0,
        threshold: 0.5,
        missing_left: true,
        left,
        right,
        cover: 1.0,
    })
}

fn leaf(value: f64) -> Node {
    Node::Leaf(Leaf { value, cover: 1.0 })
}

fn refusal(nodes: Vec<Node>) -> (usize, usize, &'static str) {
    match TreeEnsemble::new(vec![Tree { nodes }], 1) {
        Ok(_) => panic!("accepted a tree that is not a tree"),
        Err(e) => (e.tree, e.node, e.reason),
    }
}

#[test]
fn a_chain_of_branches_sharing_their_child_is_refused() {
    // Node k (k < 60) sends both sides to node k + 1: 2^60 root-to-leaf walks over 61 nodes.
    let mut nodes: Vec<Node> = (1..=60).map(|k| branch(k, k)).collect();
    nodes.push(leaf(1.0));
    let (tree, node, reason) = refusal(nodes);
    assert_eq!((tree, node), (0, 0));
    assert!(reason.contains("another parent"), "{reason}");
}

#[test]
fn two_branches_sharing_a_leaf_are_refused_at_the_second() {
    // 0 → (1, 2); 1 → (3, 4); 2 → (4, 5): leaf 4 has two parents.
    let nodes = vec![
        branch(1, 2),
        branch(3, 4),
        branch(4, 5),
        leaf(1.0),
        leaf(2.0),
        leaf(3.0),
    ];
    let (_, node, reason) = refusal(nodes);
    assert_eq!(node, 2);
    assert!(reason.contains("another parent"), "{reason}");
}

#[test]
fn an_unreachable_node_is_refused() {
    let (_, node, reason) = refusal(vec![branch(1, 2), leaf(1.0), leaf(2.0), leaf(3.0)]);
    assert_eq!(node, 3);
    assert!(reason.contains("not the child"), "{reason}");
}

#[test]
fn proper_trees_are_accepted() {
    let trees = vec![
        Tree {
            nodes: vec![leaf(0.5)],
        },
        Tree {
            nodes: vec![branch(1, 2), branch(3, 4), leaf(1.0), leaf(2.0), leaf(3.0)],
        },
    ];
    let ensemble = TreeEnsemble::new(trees, 1).expect("two proper trees");
    // Row 0.25 goes left twice (0.25 <= 0.5) to leaf 3 of tree 1: margin 0.5 + 2.0, exact.
    assert_eq!(ensemble.margin(&[0.25]), 2.5);
}
