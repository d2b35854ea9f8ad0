# SPDX-License-Identifier: GPL-2.0
# Feature detection for compat.h, shared by the module's Kbuild and the
# KUnit suites': grep the headers of the tree built against (Debian's
# kernels carry backports, so version numbers would lie).
fdscope-have = $(shell grep -qs '$(2)' $(srctree)/include/$(1) && echo -DFDSCOPE_HAVE_$(3))
fdscope-compat-flags := \
	$(call fdscope-have,net/tcp_states.h,TCP_BOUND_INACTIVE,TCP_BOUND_INACTIVE) \
	$(call fdscope-have,net/sock.h,sk_is_inet,SK_IS_INET) \
	$(call fdscope-have,linux/fs.h,file_user_path,FILE_USER_PATH) \
	$(call fdscope-have,linux/filelock.h,struct file_lock_core,FILE_LOCK_CORE) \
	$(call fdscope-have,linux/mnt_idmapping.h,nop_mnt_idmap,NOP_MNT_IDMAP) \
	$(call fdscope-have,uapi/linux/magic.h,PID_FS_MAGIC,PIDFS) \
	$(call fdscope-have,linux/eventfd.h,void eventfd_signal(struct eventfd_ctx \*ctx),EVENTFD_SIGNAL_ONE) \
	$(call fdscope-have,linux/sched/task.h,void \*arg. const char \*name,KTHREAD_NAME)
