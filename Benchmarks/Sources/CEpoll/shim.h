// epoll(7) for sweep-load's event loop: Swift's Glibc module leaves <sys/epoll.h> out.
#include <sys/epoll.h>
