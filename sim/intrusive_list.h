// Intrusive doubly linked FIFO lists over a table of nodes: a node is reached from its id
// by `node_of(id)` and holds `prev` and `next` ids; a list holds `head` and `tail`; `none`
// is the id that links nowhere. O(1), no allocation: the lines of customers and the idle
// and open-slot lists of agents are such lists.
#pragma once

#include "sim/assert.h"

namespace capsim::sim {

template <class Id, class List, class NodeOf>
CAPSIM_INLINE void list_append(List& list, Id id, NodeOf&& node_of, Id none) {
  auto& node = node_of(id);
  node.prev = list.tail;
  node.next = none;
  if (list.tail != none)
    node_of(list.tail).next = id;
  else
    list.head = id;
  list.tail = id;
}

template <class Id, class List, class NodeOf>
CAPSIM_INLINE void list_unlink(List& list, Id id, NodeOf&& node_of, Id none) {
  auto& node = node_of(id);
  if (node.prev != none)
    node_of(node.prev).next = node.next;
  else
    list.head = node.next;
  if (node.next != none)
    node_of(node.next).prev = node.prev;
  else
    list.tail = node.prev;
  node.prev = node.next = none;
}

}  // namespace capsim::sim
