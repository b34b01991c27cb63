// Sample suite for the go test / gotestsum fixtures (see ../../README.md). Fails on purpose.
package cart

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCart(t *testing.T) {
	t.Run("adds", func(t *testing.T) {
		if 1+1 != 2 {
			t.Fatal("1 + 1 is not 2")
		}
	})
	t.Run("removes", func(t *testing.T) {
		items := 1
		if items != 0 {
			t.Fatalf("cart has %d items after removing the last one, want 0", items)
		}
	})
	t.Run("applies a coupon", func(t *testing.T) {
		t.Skip("coupons are not implemented yet")
	})
	for _, c := range []struct{ n, doubled int }{{1, 2}, {2, 5}} {
		c := c
		t.Run("doubles", func(t *testing.T) {
			if c.n*2 != c.doubled {
				t.Errorf("doubling %d gives %d, want %d", c.n, c.n*2, c.doubled)
			}
		})
	}
}

// Fails the first time it runs after the marker directory is emptied, then passes: with
// `gotestsum --rerun-fails` the report holds the failed run and the passing rerun.
func TestPassesOnRetry(t *testing.T) {
	marker := filepath.Join(os.Getenv("SHIPCHECK_FIXTURE_MARKERS"), "go-passes-on-retry")
	if _, err := os.Stat(marker); err != nil {
		_ = os.WriteFile(marker, []byte("ran"), 0o644)
		t.Fatal("first attempt fails")
	}
}

func TestShowsTotal(t *testing.T) {
	if "total" != "total" {
		t.Fail()
	}
}
