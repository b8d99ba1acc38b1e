#include <vector>
#include "widget.hpp"

namespace gfx {

// A widget.
class Widget {
public:
    Widget(int size);
    int size() const { return size_; }
    void draw();
private:
    int size_;
};

void Widget::draw() {
    std::vector<int> v;
}

template <typename T>
T max_of(T a, T b) { return a > b ? a : b; }

using Id = int;

}  // namespace gfx
