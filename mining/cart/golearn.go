package cart

import (
	"fmt"
	"math"
	"reflect"

	"github.com/sjwhitworth/golearn/base"
	"github.com/sjwhitworth/golearn/trees"

	"github.com/crmwh/crmwh/mining/matrix"
)

// FitGolearn fits golearn's CART classifier (github.com/sjwhitworth/golearn/trees, the design's
// choice) on the same input as FitTree and returns it as a Tree, so that the two can be compared
// on equal terms. golearn offers no class probabilities and no minimum leaf size, so the leaves'
// class counts come from passing the training rows down its tree, and MinLeaf is not applied.
// It exists for comparison (`crmwh mine tree --engine golearn`, bench/tree): its split search
// re-counts the classes of both sides for every candidate threshold, which is quadratic in the
// rows of a node (see the README's benchmark).
func FitGolearn(x *matrix.Dense, y []int32, classes int, features, classNames []string, opt Options) (*Tree, error) {
	inst := base.NewDenseInstances()
	specs := make([]base.AttributeSpec, x.Cols)
	for j := range x.Cols {
		specs[j] = inst.AddAttribute(base.NewFloatAttribute(fmt.Sprintf("f%d", j)))
	}
	class := base.NewFloatAttribute("class")
	classSpec := inst.AddAttribute(class)
	if err := inst.AddClassAttribute(class); err != nil {
		return nil, fmt.Errorf("golearn: %w", err)
	}
	if err := inst.Extend(x.Rows); err != nil {
		return nil, fmt.Errorf("golearn: %w", err)
	}
	for i := range x.Rows {
		for j, v := range x.Row(i) {
			inst.Set(specs[j], i, base.PackFloatToBytes(v))
		}
		inst.Set(classSpec, i, base.PackFloatToBytes(float64(y[i])))
	}
	labels := make([]int64, classes)
	for c := range labels {
		labels[c] = int64(c)
	}
	g := trees.NewDecisionTreeClassifier(opt.Criterion, int64(opt.MaxDepth), labels)
	if err := g.Fit(inst); err != nil {
		return nil, fmt.Errorf("golearn: %w", err)
	}
	t := &Tree{Features: features, Classes: classNames}
	// golearn sends a row left when value < threshold; ours when value <= threshold: the
	// largest float below golearn's threshold keeps the same rows on each side. A nil child is a
	// leaf.
	var add func(n *golearnNode, depth int) int
	add = func(n *golearnNode, depth int) int {
		idx := len(t.Nodes)
		t.Nodes = append(t.Nodes, Node{Feature: -1, Depth: depth, Counts: make([]float64, classes)})
		if n == nil {
			return idx
		}
		t.Nodes[idx].Feature = int(n.Feature)
		t.Nodes[idx].Threshold = math.Nextafter(n.Threshold, math.Inf(-1))
		l := add(n.Left, depth+1)
		r := add(n.Right, depth+1)
		t.Nodes[idx].Left, t.Nodes[idx].Right = l, r
		return idx
	}
	add(golearnRoot(g), 0)
	// Class counts of every node from the training rows, for probabilities and the rules.
	imp := impurity(opt.Criterion)
	for i := range x.Rows {
		for _, n := range t.Path(x.Row(i)) {
			t.Nodes[n].Counts[y[i]]++
			t.Nodes[n].Samples++
		}
	}
	for k := range t.Nodes {
		nd := &t.Nodes[k]
		nd.Impurity = imp(nd.Counts, float64(nd.Samples))
		if nd.Feature >= 0 && (t.Nodes[nd.Left].Samples == 0 || t.Nodes[nd.Right].Samples == 0) {
			// golearn can keep a split that sends no training row one way; such a side has no
			// probabilities of its own, so the node answers for it.
			empty := nd.Left
			if t.Nodes[nd.Left].Samples > 0 {
				empty = nd.Right
			}
			t.Nodes[empty].Counts, t.Nodes[empty].Samples = nd.Counts, nd.Samples
		}
	}
	return t, nil
}

// golearnNode mirrors the exported fields of golearn's (unexported) tree node type.
type golearnNode struct {
	Left, Right *golearnNode
	Threshold   float64
	Feature     int64
}

// golearnRoot copies golearn's tree into golearnNode. Its node type is unexported, so its
// exported fields are read by reflection.
func golearnRoot(g *trees.CARTDecisionTreeClassifier) *golearnNode {
	var conv func(v reflect.Value) *golearnNode
	conv = func(v reflect.Value) *golearnNode {
		if v.IsNil() {
			return nil
		}
		e := v.Elem()
		return &golearnNode{
			Left: conv(e.FieldByName("Left")), Right: conv(e.FieldByName("Right")),
			Threshold: e.FieldByName("Threshold").Float(), Feature: e.FieldByName("Feature").Int(),
		}
	}
	return conv(reflect.ValueOf(g.RootNode))
}
