#include <stdio.h>
#include "shapes.h"

#define MAX 10
#define SQ(x) ((x) * (x))

/* A point. */
struct point {
    int x;
    int y;
};

typedef struct { int w, h; } size_t2;

enum color { RED, GREEN };

int area(struct point *p);

static int counter = 0;

/* Computes the area. */
int area(struct point *p) {
    return p->x * p->y;
}

char *name(void) { return "x"; }
