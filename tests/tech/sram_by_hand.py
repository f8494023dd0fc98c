#!/usr/bin/env python3
# The SRAM macro of docs/technology.md written afresh (not from src/tech/sram.cpp), with
# technologies/28nm.toml's constants typed in: the expected values of tests/tech/sram_test.cpp
# and tests/phys/review_test.cpp (accumulator macro). Run: python3 tests/tech/sram_by_hand.py
import math
fo4=14e-12; c0=0.48e-15; r0=fo4/(0.69*5*c0)
loc_r=8e6; loc_c=0.2e-9   # ohm/m, F/m
int_r=2e6; int_c=0.2e-9
V=0.9
A=0.127e-12; eff=0.7; ovh=2000e-12
cbl=0.1e-15; cwl=0.15e-15; I=25e-6; swing=0.08; sa=1.9e-15
def unrep(r,c,L,R,Cl): return 0.69*R*(c*L+Cl)+0.38*r*c*L*L+0.69*r*L*Cl
def wdelay(r,c,L):
    u=unrep(r,c,L,r0/4,4*c0); rp=2.5*math.sqrt(r0*c0*r*c)*L+0.69*r0*c0*5
    return min(u,rp), rp<u
def wcap(r,c,L):
    d,rep=wdelay(r,c,L)
    return (c*L*(1+2*math.sqrt(0.4/0.7)) if rep else c*L)+4*c0
def macro(bits,width,banks=1):
    bb=max(bits/banks,1)
    rows=min(256,math.ceil(bb/256)); cols=min(256,bb); wls=math.ceil(bb/256)
    area=bb*A/eff+ovh; side=math.sqrt(area)
    cw=math.sqrt(2*A); ch=cw/2
    dec=fo4*(math.log(max(wls,1))/math.log(4)+1)
    wl=unrep(loc_r,loc_c+cwl/cw,cols*cw,r0/8,0)
    blt=rows*cbl*swing/I; sen=2*fo4; ht=2*wdelay(int_r,int_c,side)[0]
    acc=dec+wl+blt+sen+ht
    pre=math.log(10)/math.log(2)*unrep(loc_r,cbl/ch,rows*ch,r0/8,0)
    cyc=dec+wl+blt+sen+pre
    w=min(max(width,1),bb); mats=math.ceil(w/cols); columns=mats*cols
    cb=rows*cbl; ecol=cb*V*swing
    Ebl=columns*ecol; Ewl=mats*cols*(cwl+loc_c*cw)*4/3*V*V; Es=w*sa
    ab=math.ceil(math.log2(max(bb/w,2)))
    Eh=0.5*(w+ab)*wcap(int_r,int_c,side)*V*V
    Er=Ebl+Ewl+Es+Eh
    Ew=(columns-w)*ecol+w*cb*V*V+Ewl+Eh
    return dict(area=area*banks,dec=dec,wl=wl,bl=blt,sense=sen,ht=ht,acc=acc,pre=pre,cyc=cyc,
                Ebl=Ebl,Ewl=Ewl,Es=Es,Eh=Eh,Er=Er,Ew=Ew,erb=Er/w,ewb=Ew/w,side=side)
if __name__=='__main__':
    for name,(bits,w,b) in {'64KiB x64':(64*1024*8,64,1),'8KiB x64':(8*1024*8,64,1),'32KiB x64':(32*1024*8,64,1),'1MiB x64':(1024*1024*8,64,1),
                            'paper weight 128KiB x256':(128*1024*8,256,1), 'acc 8Kib x256':(8192,256,1)}.items():
        m=macro(bits,w,b)
        print(name, ' '.join('%s=%.4g'%(k,v*(1e12 if k in('dec','wl','bl','sense','ht','acc','pre','cyc') else 1e15 if k[0]=='E' or k in('erb','ewb') else 1e12 if k=='area' else 1e6)) for k,v in m.items()))
    # Horowitz (45 nm, 64-bit cache) x 28/45
    for kb,pj in ((8,10),(32,20),(1024,100)):
        m=macro(kb*1024*8,64); print('Horowitz %d KB: %.3f pJ scaled, model %.3f pJ, ratio %.3f'%(kb,pj*28/45,m['Er']*1e12,m['Er']*1e12/(pj*28/45)))
