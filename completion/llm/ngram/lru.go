package ngram

// lru keeps the most recently used tables up to a fixed number; the
// directory and file levels are rebuilt from the tokens when evicted.
type lru struct {
	max   int
	clock uint64
	items map[string]*lruItem
}

type lruItem struct {
	t    *table
	used uint64
}

func newLRU(max int) *lru { return &lru{max: max, items: map[string]*lruItem{}} }

func (c *lru) get(key string) *table {
	it := c.items[key]
	if it == nil {
		return nil
	}
	c.clock++
	it.used = c.clock
	return it.t
}

// put caches t under key and returns the table it drops: the one cached
// under key before, or the least recently used when the cache is full.
func (c *lru) put(key string, t *table) (dropped *table) {
	if it := c.items[key]; it != nil {
		dropped = it.t
	} else if len(c.items) >= c.max {
		oldest, at := "", ^uint64(0)
		for k, it := range c.items {
			if it.used < at {
				oldest, at = k, it.used
			}
		}
		dropped = c.items[oldest].t
		delete(c.items, oldest)
	}
	c.clock++
	c.items[key] = &lruItem{t: t, used: c.clock}
	return dropped
}

// remove drops the table cached under key and returns it (nil if none).
func (c *lru) remove(key string) *table {
	it := c.items[key]
	if it == nil {
		return nil
	}
	delete(c.items, key)
	return it.t
}

func (c *lru) tables() []*table {
	var ts []*table
	for _, it := range c.items {
		ts = append(ts, it.t)
	}
	return ts
}
